// Every version of every reduction kernel against the reference, forward and backward.
#include <doctest/doctest.h>

#include <cmath>

#include "kernels/reduce.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("reduction kernels: every version matches the reference") {
  struct Case {
    int64_t outer, r, inner;
  };
  // Rows, columns, single elements, one long row (parallel, long accumulation), odd sizes.
  const Case cases[] = {{1, 1, 1}, {3, 7, 1}, {2, 5, 3}, {5, 1, 9}, {64, 33, 17}, {1, 100003, 1}, {7, 129, 40}};
  for (int i = 0; i < kReduceOpCount; ++i) {
    const ReduceOp rop = static_cast<ReduceOp>(i);
    const auto& op = reduce_op(rop);
    for (const auto& v : op.versions) {
      for (const Case& c : cases) {
        if (rop == ReduceOp::var && c.r < 2) continue;  // no degrees of freedom; autograd rejects it
        const int64_t n = c.outer * c.r * c.inner, m = c.outer * c.inner;
        auto x = random_floats(n, 11 + static_cast<uint64_t>(n));
        if (rop == ReduceOp::max || rop == ReduceOp::min)
          for (auto& e : x) e = std::round(e * 2.0f);  // many ties: the gradient split is tested too
        auto gy = random_floats(m, 5);
        std::vector<float> y_ref(m), y(m), gx_ref(n), gx(n);
        ReduceParams p{1};
        op.reference().fn.forward(x.data(), y_ref.data(), c.outer, c.r, c.inner, p);
        v.fn.forward(x.data(), y.data(), c.outer, c.r, c.inner, p);
        op.reference().fn.backward(x.data(), y_ref.data(), gy.data(), gx_ref.data(), c.outer, c.r, c.inner, p);
        v.fn.backward(x.data(), y_ref.data(), gy.data(), gx.data(), c.outer, c.r, c.inner, p);
        const std::string what = op.name + "/" + v.name + " (" + std::to_string(c.outer) + "," + std::to_string(c.r) +
                                 "," + std::to_string(c.inner) + ")";
        // Sums of 1e5 floats: the reference accumulates in double; allow float rounding of the result.
        expect_close(y, y_ref, {1e-5, 1e-5}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 1e-5}, what + " backward");
      }
      passed(op, v);
    }
  }
}
