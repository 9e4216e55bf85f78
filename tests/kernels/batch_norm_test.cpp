// Every version of the batch_norm kernel against the reference (train and eval, forward with the running
// statistics update, backward) and across thread counts; then the public op's errors and its in-place
// update of the caller's running statistics.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>

#include "autograd/normalization.h"
#include "kernels/batch_norm.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("batch_norm kernels: every version matches the reference, train and eval, forward and backward") {
  const auto& op = batch_norm_op();
  // Batch 1; odd sizes; 1x1 spatial (S = 1, the (N, C) path) small and above the parallel threshold;
  // many channels; one channel with a long row; a typical conv activation.
  const BatchNormDims shapes[] = {{1, 3, 7}, {2, 4, 1}, {5, 3, 13}, {3, 1, 1}, {2, 300, 3},
                                  {1, 1, 40000}, {64, 1024, 1}, {4, 64, 49}};
  for (const auto& v : op.versions) {
    for (const BatchNormDims& d : shapes) {
      const int64_t n = d.N * d.C * d.S;
      auto x = random_floats(n, 100 + static_cast<uint64_t>(n));
      for (auto& e : x) e = 3.0f + 2.0f * e;  // an offset mean: statistics must not cancel
      auto gy = random_floats(n, 200 + static_cast<uint64_t>(n));
      auto w = random_floats(d.C, 3), b = random_floats(d.C, 4);
      auto rm0 = random_floats(d.C, 5), rv0 = random_floats(d.C, 6, 0.5f, 2.0f);
      for (bool training : {true, false})
        for (bool affine : {true, false}) {
          const BatchNormParams p{training, 0.2, 1e-5};
          const float* wp = affine ? w.data() : nullptr;
          const float* bp = affine ? b.data() : nullptr;
          std::vector<float> y_ref(n), y(n), sm_ref(d.C), sm(d.C), si_ref(d.C), si(d.C);
          auto rm_ref = rm0, rv_ref = rv0, rm = rm0, rv = rv0;
          op.reference().fn.forward(x.data(), wp, bp, y_ref.data(), sm_ref.data(), si_ref.data(), rm_ref.data(),
                                    rv_ref.data(), d, p);
          v.fn.forward(x.data(), wp, bp, y.data(), sm.data(), si.data(), rm.data(), rv.data(), d, p);
          std::vector<float> gx_ref(n), gx(n), gw_ref(d.C), gw(d.C), gb_ref(d.C), gb(d.C);
          float* gwp_ref = affine ? gw_ref.data() : nullptr;
          float* gbp_ref = affine ? gb_ref.data() : nullptr;
          op.reference().fn.backward(x.data(), gy.data(), wp, sm_ref.data(), si_ref.data(), gx_ref.data(), gwp_ref,
                                     gbp_ref, d, p);
          v.fn.backward(x.data(), gy.data(), wp, sm_ref.data(), si_ref.data(), gx.data(), affine ? gw.data() : nullptr,
                        affine ? gb.data() : nullptr, d, p);
          const std::string what = op.name + "/" + v.name + " (" + std::to_string(d.N) + "," + std::to_string(d.C) +
                                   "," + std::to_string(d.S) + ")" + (training ? " train" : " eval") +
                                   (affine ? " affine" : "");
          expect_close(y, y_ref, {1e-5, 1e-5}, what + " forward");
          expect_close(sm, sm_ref, {1e-6, 1e-6}, what + " save_mean");
          expect_close(si, si_ref, {1e-6, 1e-6}, what + " save_invstd");
          expect_close(rm, rm_ref, {1e-6, 1e-6}, what + " running_mean");
          expect_close(rv, rv_ref, {1e-6, 1e-6}, what + " running_var");
          // Gradients are sums over up to 65536 values; the bound scales with the largest reference value.
          expect_close(gx, gx_ref, {1e-5, 1e-5}, what + " grad input");
          if (affine) {
            expect_close(gw, gw_ref, {1e-5, 1e-5}, what + " grad weight");
            expect_close(gb, gb_ref, {1e-5, 1e-5}, what + " grad bias");
          }
        }
    }
    passed(op, v);
  }
}

TEST_CASE("batch_norm kernels: the running variance moves toward the unbiased batch variance") {
  // Channel values {1, 2, 3, 4}: mean 2.5, biased variance 1.25, unbiased 5/3.
  const std::vector<float> x = {1, 2, 3, 4};
  for (const auto& v : batch_norm_op().versions) {
    std::vector<float> y(4), sm(1), si(1), rm{0.0f}, rv{1.0f};
    v.fn.forward(x.data(), nullptr, nullptr, y.data(), sm.data(), si.data(), rm.data(), rv.data(), {4, 1, 1},
                 {true, 0.1, 0.0});
    CHECK(rm[0] == doctest::Approx(0.25));
    CHECK(rv[0] == doctest::Approx(0.9 + 0.1 * 5.0 / 3.0));
    CHECK(si[0] == doctest::Approx(1.0 / std::sqrt(1.25)));
  }
}

TEST_CASE("batch_norm: errors name the mismatch") {
  Tensor x = Tensor::zeros({2, 4, 3});
  auto message = [](auto f) {
    try {
      f();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message([&] { batch_norm(x, Tensor::zeros({3}), Tensor::ones({4}), {}, {}, true); }) ==
        "batch_norm: running_mean has 3 elements but the input [2, 4, 3] has 4 channels");
  CHECK(message([&] { batch_norm(x, {}, {}, {}, {}, false); }).find("eval mode") != std::string::npos);
  CHECK(message([&] { batch_norm(Tensor::zeros({1, 4}), {}, {}, {}, {}, true); }).find("more than one value") !=
        std::string::npos);
  CHECK(message([&] { batch_norm(x, {}, {}, Tensor::ones({2, 2}), {}, true); }) ==
        "batch_norm: weight has shape [2, 2] but the input [2, 4, 3] has 4 channels");
}

TEST_CASE("batch_norm: training updates the caller's running statistics in place, eval leaves them") {
  Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {4, 1});
  Tensor rm = Tensor::zeros({1}), rv = Tensor::ones({1});
  batch_norm(x, rm, rv, {}, {}, true, 0.5);
  CHECK(rm.item() == doctest::Approx(1.25));
  CHECK(rv.item() == doctest::Approx(0.5 + 0.5 * 5.0 / 3.0));
  Tensor y = batch_norm(x, rm, rv, {}, {}, false);
  CHECK(rm.item() == doctest::Approx(1.25));
  CHECK(y.to_vector()[0] == doctest::Approx((1 - 1.25) / std::sqrt(rv.item() + 1e-5)));
}

TEST_CASE("batch_norm kernels: results do not depend on the thread count (bitwise)") {
  const int threads = omp_get_max_threads();
  for (const auto& v : batch_norm_op().versions)
    for (BatchNormDims d : {BatchNormDims{4, 8, 2048}, BatchNormDims{256, 256, 1}}) {
      const int64_t n = d.N * d.C * d.S;
      auto x = random_floats(n, 1), gy = random_floats(n, 2), w = random_floats(d.C, 3);
      auto run = [&](int t) {
        omp_set_num_threads(t);
        std::vector<float> y(n), sm(d.C), si(d.C), gx(n), gw(d.C), gb(d.C);
        v.fn.forward(x.data(), w.data(), nullptr, y.data(), sm.data(), si.data(), nullptr, nullptr, d, {});
        v.fn.backward(x.data(), gy.data(), w.data(), sm.data(), si.data(), gx.data(), gw.data(), gb.data(), d, {});
        y.insert(y.end(), gx.begin(), gx.end());
        y.insert(y.end(), gw.begin(), gw.end());
        return y;
      };
      CHECK_MESSAGE(run(1) == run(3), v.name);
    }
  omp_set_num_threads(threads);
}
