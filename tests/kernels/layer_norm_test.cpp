// Every version of the layer_norm kernel against the reference, forward and backward, with and without
// the affine transform, and across thread counts; then the public op's errors.
#include <doctest/doctest.h>
#include <omp.h>

#include "autograd/normalization.h"
#include "kernels/layer_norm.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("layer_norm kernels: every version matches the reference, forward and backward") {
  const auto& op = layer_norm_op();
  struct Case {
    int64_t M, D;
  };
  // One value; odd sizes; one long row; more columns than a gradient block (256); many short rows
  // (parallel); a transformer-sized row.
  const Case cases[] = {{1, 1}, {3, 7}, {1, 1000}, {129, 33}, {2, 300}, {5000, 16}, {64, 768}};
  enum Affine { none, both, weight_only };
  for (const auto& v : op.versions) {
    for (const Case& c : cases) {
      const int64_t n = c.M * c.D;
      auto x = random_floats(n, 300 + static_cast<uint64_t>(n));
      for (auto& e : x) e = -2.0f + 3.0f * e;
      auto gy = random_floats(n, 400 + static_cast<uint64_t>(n));
      auto w = random_floats(c.D, 7), b = random_floats(c.D, 8);
      for (Affine a : {none, both, weight_only}) {
        const float* wp = a != none ? w.data() : nullptr;
        const float* bp = a == both ? b.data() : nullptr;
        std::vector<float> y_ref(n), y(n), sm_ref(c.M), sm(c.M), si_ref(c.M), si(c.M);
        op.reference().fn.forward(x.data(), wp, bp, y_ref.data(), sm_ref.data(), si_ref.data(), c.M, c.D, 1e-5);
        v.fn.forward(x.data(), wp, bp, y.data(), sm.data(), si.data(), c.M, c.D, 1e-5);
        std::vector<float> gx_ref(n), gx(n), gw_ref(c.D), gw(c.D), gb_ref(c.D), gb(c.D);
        op.reference().fn.backward(x.data(), gy.data(), wp, sm_ref.data(), si_ref.data(), gx_ref.data(),
                                   wp ? gw_ref.data() : nullptr, bp ? gb_ref.data() : nullptr, c.M, c.D);
        v.fn.backward(x.data(), gy.data(), wp, sm_ref.data(), si_ref.data(), gx.data(), wp ? gw.data() : nullptr,
                      bp ? gb.data() : nullptr, c.M, c.D);
        const std::string what = op.name + "/" + v.name + " (" + std::to_string(c.M) + "," + std::to_string(c.D) +
                                 ") affine " + std::to_string(a);
        expect_close(y, y_ref, {1e-5, 1e-5}, what + " forward");
        expect_close(sm, sm_ref, {1e-6, 1e-6}, what + " save_mean");
        expect_close(si, si_ref, {1e-6, 1e-5}, what + " save_invstd");
        expect_close(gx, gx_ref, {1e-5, 1e-5}, what + " grad input");
        if (wp) expect_close(gw, gw_ref, {1e-5, 1e-5}, what + " grad weight");
        if (bp) expect_close(gb, gb_ref, {1e-5, 1e-5}, what + " grad bias");
      }
    }
    passed(op, v);
  }
}

TEST_CASE("layer_norm: errors name the mismatch") {
  auto message = [](auto f) {
    try {
      f();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Tensor x = Tensor::zeros({2, 3, 5});
  CHECK(message([&] { layer_norm(x, {4, 5}); }) ==
        "layer_norm: normalized_shape [4, 5] does not match the trailing dims of the input [2, 3, 5]");
  CHECK(message([&] { layer_norm(x, {5}, Tensor::ones({3})); }) ==
        "layer_norm: weight has shape [3] but normalized_shape is [5]");
}

TEST_CASE("layer_norm kernels: results do not depend on the thread count (bitwise)") {
  const int threads = omp_get_max_threads();
  const int64_t M = 4096, D = 20, n = M * D;
  auto x = random_floats(n, 1), gy = random_floats(n, 2), w = random_floats(D, 3);
  for (const auto& v : layer_norm_op().versions) {
    auto run = [&](int t) {
      omp_set_num_threads(t);
      std::vector<float> y(n), sm(M), si(M), gx(n), gw(D), gb(D);
      v.fn.forward(x.data(), w.data(), nullptr, y.data(), sm.data(), si.data(), M, D, 1e-5);
      v.fn.backward(x.data(), gy.data(), w.data(), sm.data(), si.data(), gx.data(), gw.data(), gb.data(), M, D);
      y.insert(y.end(), gx.begin(), gx.end());
      y.insert(y.end(), gw.begin(), gw.end());
      y.insert(y.end(), gb.begin(), gb.end());
      return y;
    };
    CHECK_MESSAGE(run(1) == run(3), v.name);
  }
  omp_set_num_threads(threads);
}
