// Every version of the softmax and log_softmax kernels against the reference, forward and backward, and
// across thread counts; then the public op's numerical stability.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>

#include "autograd/softmax.h"
#include "kernels/softmax.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("softmax kernels: every version matches the reference, forward and backward") {
  struct Case {
    int64_t outer, r, inner;
  };
  // Single element; rows; a middle dim (inner > 1); a line of one; many lines; one long row; more lines
  // than a block (128) side by side; one outer with a wide inner (parallel over blocks).
  const Case cases[] = {{1, 1, 1}, {3, 7, 1}, {2, 5, 3}, {5, 1, 9}, {64, 33, 17},
                        {1, 10000, 1}, {7, 129, 300}, {1, 3, 70000}};
  for (int i = 0; i < kSoftmaxOpCount; ++i) {
    const auto& op = softmax_op(static_cast<SoftmaxOp>(i));
    for (const auto& v : op.versions) {
      for (const Case& c : cases) {
        const int64_t n = c.outer * c.r * c.inner;
        auto x = random_floats(n, 500 + static_cast<uint64_t>(n));
        for (auto& e : x) e *= 20.0f;  // logits far apart: exp(x) alone would overflow
        auto gy = random_floats(n, 600 + static_cast<uint64_t>(n));
        std::vector<float> y_ref(n), y(n), gx_ref(n), gx(n);
        op.reference().fn.forward(x.data(), y_ref.data(), c.outer, c.r, c.inner);
        v.fn.forward(x.data(), y.data(), c.outer, c.r, c.inner);
        op.reference().fn.backward(y_ref.data(), gy.data(), gx_ref.data(), c.outer, c.r, c.inner);
        v.fn.backward(y_ref.data(), gy.data(), gx.data(), c.outer, c.r, c.inner);
        const std::string what = op.name + "/" + v.name + " (" + std::to_string(c.outer) + "," + std::to_string(c.r) +
                                 "," + std::to_string(c.inner) + ")";
        expect_close(y, y_ref, {1e-6, 1e-5}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 1e-5}, what + " backward");
      }
      passed(op, v);
    }
  }
}

TEST_CASE("softmax: finite for huge logits, rows sum to one, log_softmax stays finite where softmax is 0") {
  Tensor x = Tensor::from_vector(std::vector<float>{1000.0f, 0.0f, -1000.0f, 3.0f, 3.0f, 3.0f}, {2, 3});
  auto s = softmax(x, 1).to_vector();
  CHECK(s[0] == doctest::Approx(1.0));
  CHECK(s[2] == 0.0);
  CHECK(s[3] + s[4] + s[5] == doctest::Approx(1.0));
  auto l = log_softmax(x, -1).to_vector();
  CHECK(l[2] == doctest::Approx(-2000.0));
  for (double e : l) CHECK(std::isfinite(e));
  CHECK(softmax(Tensor::scalar(3.0), 0).item() == 1.0);  // a 0-d tensor is one line of one value, as in torch
}

TEST_CASE("softmax kernels: results do not depend on the thread count (bitwise)") {
  const int threads = omp_get_max_threads();
  struct Case {
    int64_t outer, r, inner;
  };
  for (int i = 0; i < kSoftmaxOpCount; ++i)
    for (const auto& v : softmax_op(static_cast<SoftmaxOp>(i)).versions)
      for (const Case& c : {Case{512, 128, 1}, Case{2, 64, 512}}) {
        const int64_t n = c.outer * c.r * c.inner;
        auto x = random_floats(n, 1), gy = random_floats(n, 2);
        auto run = [&](int t) {
          omp_set_num_threads(t);
          std::vector<float> y(n), gx(n);
          v.fn.forward(x.data(), y.data(), c.outer, c.r, c.inner);
          v.fn.backward(y.data(), gy.data(), gx.data(), c.outer, c.r, c.inner);
          y.insert(y.end(), gx.begin(), gx.end());
          return y;
        };
        CHECK_MESSAGE(run(1) == run(3), v.name);
      }
  omp_set_num_threads(threads);
}
