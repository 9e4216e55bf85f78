// Batch norm (training and inference forward, backward) and max/avg pooling (forward, backward) in the
// emulator, against kernels/reference in double.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/cuda/batch_norm.h"
#include "kernels/cuda/emu/emulator.h"
#include "kernels/cuda/pool2d.h"
#include "kernels/reference/batch_norm.h"
#include "kernels/reference/pool2d.h"
#include "tests/cuda/check.h"

using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;
using thorax::cuda::test::CheckScope;
using thorax::cuda::test::to_double;
using thorax::cuda::test::values;

TEST_CASE("cuda batch_norm training forward, inference forward and backward match kernels/reference") {
  struct Case {
    std::int64_t N, C, S;
    unsigned reduce_block;
    LaunchShape shape;
  };
  // M = N*S below, at and above the reduction block; an (N, C) input (S = 1).
  const Case cases[] = {{3, 5, 7, 32, {32, 2}}, {2, 3, 1, 64, {96, 0}}, {1, 2, 45, 64, {32, 0}}, {4, 3, 9, 32, {64, 1}}};
  for (const Case& k : cases) {
    const std::int64_t total = k.N * k.C * k.S;
    CAPTURE(k.N);
    CAPTURE(k.C);
    CAPTURE(k.S);
    CAPTURE(k.reduce_block);
    // An offset mean (3) against a spread of 1: a one-pass E[x²] − E[x]² would lose digits here.
    std::vector<float> x = values(total, 1, 2.0f, 4.0f), gy = values(total, 2), w = values(k.C, 3, 0.5f, 1.5f);
    std::vector<float> b = values(k.C, 4), rm = values(k.C, 5), rv = values(k.C, 6, 0.5f, 2.0f);
    std::vector<double> xd = to_double(x), gyd = to_double(gy), wd = to_double(w), bd = to_double(b);
    thorax::kernels::BatchNormDims dims{k.N, k.C, k.S};
    for (bool affine : {true, false}) {
      CAPTURE(affine);
      const float* wp = affine ? w.data() : nullptr;
      const float* bp = affine ? b.data() : nullptr;
      const double* wdp = affine ? wd.data() : nullptr;
      const double* bdp = affine ? bd.data() : nullptr;
      ScopedSchedule scope(affine ? Schedule::shuffle : Schedule::reverse, static_cast<std::uint64_t>(total));
      // Training.
      thorax::kernels::BatchNormParams tp;
      tp.training = true;
      std::vector<double> y_want(total), mean_want(k.C), invstd_want(k.C), rm_want = to_double(rm),
          rv_want = to_double(rv), gx_want(total), gw_want(k.C), gb_want(k.C);
      thorax::kernels::ref::batch_norm_forward(xd.data(), wdp, bdp, y_want.data(), mean_want.data(),
                                               invstd_want.data(), rm_want.data(), rv_want.data(), dims, tp);
      thorax::kernels::ref::batch_norm_backward(xd.data(), gyd.data(), wdp, mean_want.data(), invstd_want.data(),
                                                gx_want.data(), gw_want.data(), gb_want.data(), dims, tp);
      {
        CheckScope check;
        std::vector<float> y(total, NAN), mean(k.C, NAN), invstd(k.C, NAN), rm2 = rm, rv2 = rv;
        thorax::cuda::batch_norm_forward_train(x.data(), wp, bp, y.data(), mean.data(), invstd.data(), rm2.data(),
                                               rv2.data(), {k.N, k.C, k.S}, 0.1f, 1e-5f, k.reduce_block, k.shape);
        check.close("y", y, y_want, 1e-4, 1e-5);
        check.close("save_mean", mean, mean_want, 1e-6, 1e-6);
        check.close("save_invstd", invstd, invstd_want, 1e-4, 0);
        check.close("running_mean", rm2, rm_want, 1e-6, 1e-6);
        check.close("running_var", rv2, rv_want, 1e-5, 1e-6);
        std::vector<float> gx(total, NAN), gw(k.C, NAN), gb(k.C, NAN), ws(2 * k.C, NAN);
        thorax::cuda::batch_norm_backward(x.data(), gy.data(), wp, mean.data(), invstd.data(), gx.data(), gw.data(),
                                          gb.data(), ws.data(), {k.N, k.C, k.S}, true, k.reduce_block, k.shape);
        check.close("gx", gx, gx_want, 1e-3, 1e-4);
        check.close("gweight", gw, gw_want, 1e-4, 1e-5);
        check.close("gbias", gb, gb_want, 1e-5, 1e-5);
      }
      // Inference: running statistics; the backward treats them as constants.
      thorax::kernels::BatchNormParams ep;
      ep.training = false;
      std::vector<double> rmd = to_double(rm), rvd = to_double(rv);
      thorax::kernels::ref::batch_norm_forward(xd.data(), wdp, bdp, y_want.data(), mean_want.data(),
                                               invstd_want.data(), rmd.data(), rvd.data(), dims, ep);
      thorax::kernels::ref::batch_norm_backward(xd.data(), gyd.data(), wdp, mean_want.data(), invstd_want.data(),
                                                gx_want.data(), gw_want.data(), gb_want.data(), dims, ep);
      {
        CheckScope check;
        std::vector<float> y(total, NAN), mean(k.C, NAN), invstd(k.C, NAN);
        thorax::cuda::batch_norm_forward_eval(x.data(), wp, bp, y.data(), rm.data(), rv.data(), mean.data(),
                                              invstd.data(), {k.N, k.C, k.S}, 1e-5f, k.shape);
        check.close("eval y", y, y_want, 1e-5, 1e-6);
        check.close("eval save_mean", mean, mean_want, 0, 0);
        check.close("eval save_invstd", invstd, invstd_want, 1e-6, 0);
        std::vector<float> gx(total, NAN), ws(2 * k.C, NAN);
        thorax::cuda::batch_norm_backward(x.data(), gy.data(), wp, mean.data(), invstd.data(), gx.data(), nullptr,
                                          nullptr, ws.data(), {k.N, k.C, k.S}, false, k.reduce_block, k.shape);
        check.close("eval gx", gx, gx_want, 1e-5, 1e-6);
      }
    }
  }
}

namespace {

thorax::cuda::Pool2dShape cuda_shape(const thorax::kernels::Pool2dParams& p) {
  thorax::cuda::Pool2dShape s;
  s.N = p.N, s.C = p.C, s.H = p.H, s.W = p.W, s.H_out = p.H_out(), s.W_out = p.W_out();
  s.kH = p.kH, s.kW = p.kW, s.stride_h = p.stride_h, s.stride_w = p.stride_w, s.pad_h = p.pad_h, s.pad_w = p.pad_w;
  s.dilation_h = p.dilation_h, s.dilation_w = p.dilation_w, s.count_include_pad = p.count_include_pad;
  return s;
}

std::vector<thorax::kernels::Pool2dParams> pool_cases() {
  std::vector<thorax::kernels::Pool2dParams> cases;
  thorax::kernels::Pool2dParams p;
  p.N = 2, p.C = 3, p.H = 7, p.W = 9, p.kH = p.kW = 3, p.stride_h = p.stride_w = 2, p.pad_h = p.pad_w = 1;
  cases.push_back(p);  // ResNet's stem pool on an odd image
  p.kH = 2, p.kW = 3, p.stride_h = 1, p.stride_w = 2, p.pad_h = 1, p.pad_w = 0, p.ceil_mode = true;
  p.count_include_pad = false;
  cases.push_back(p);  // rectangular, overlapping rows, ceil mode, padding excluded from the divisor
  p.N = 1, p.C = 2, p.H = 11, p.W = 6, p.kH = p.kW = 2, p.stride_h = p.stride_w = 2, p.pad_h = p.pad_w = 0;
  p.ceil_mode = true, p.count_include_pad = true;
  cases.push_back(p);  // a 2x2/2 pool with odd height: ceil mode keeps a half window
  return cases;
}

}  // namespace

TEST_CASE("cuda max_pool2d and avg_pool2d forward and backward match kernels/reference") {
  int k = 0;
  for (thorax::kernels::Pool2dParams p : pool_cases())
    for (LaunchShape shape : {LaunchShape{32, 3}, LaunchShape{96, 0}}) {
      CAPTURE(k);
      CAPTURE(shape.block);
      const std::int64_t in = p.N * p.C * p.H * p.W, out = p.N * p.C * p.H_out() * p.W_out();
      thorax::cuda::Pool2dShape s = cuda_shape(p);
      std::vector<float> x = values(in, 10 + k), gy = values(out, 20 + k);
      for (std::int64_t i = 0; i < in; i += 5) x[i] = 0.5f;  // ties: the first maximum in window order wins
      ScopedSchedule scope(k++ % 2 ? Schedule::shuffle : Schedule::forward, 2);

      // Max pooling, with dilation 2 in the rows on the second case.
      thorax::kernels::Pool2dParams pm = p;
      if (k == 2 || k == 3) pm.dilation_h = 2, pm.pad_h = 1, pm.kH = 2;
      thorax::cuda::Pool2dShape sm = cuda_shape(pm);
      const std::int64_t out_m = pm.N * pm.C * pm.H_out() * pm.W_out();
      std::vector<float> gym = values(out_m, 30 + k), y_want(out_m), gx_want(in);
      std::vector<std::int64_t> arg_want(out_m);
      thorax::kernels::ref::max_pool2d_forward(x.data(), y_want.data(), arg_want.data(), pm);
      thorax::kernels::ref::max_pool2d_backward(gym.data(), arg_want.data(), gx_want.data(), pm);
      {
        CheckScope check;
        std::vector<float> y(out_m, NAN), gx(in, NAN);
        std::vector<std::int64_t> arg(out_m, -7);
        thorax::cuda::max_pool2d_forward(x.data(), y.data(), arg.data(), sm, shape);
        check.close("max y", y, y_want, 0, 0);
        check.equal("argmax", arg, arg_want);
        thorax::cuda::max_pool2d_backward(gym.data(), arg.data(), gx.data(), sm, shape);
        check.close("max gx", gx, gx_want, 1e-6, 1e-7);
      }

      std::vector<double> xd = to_double(x), gyd = to_double(gy), ya(out), gxa(in);
      thorax::kernels::ref::avg_pool2d_forward(xd.data(), ya.data(), p);
      thorax::kernels::ref::avg_pool2d_backward(gyd.data(), gxa.data(), p);
      {
        CheckScope check;
        std::vector<float> y(out, NAN), gx(in, NAN);
        thorax::cuda::avg_pool2d_forward(x.data(), y.data(), s, shape);
        check.close("avg y", y, ya, 1e-6, 1e-7);
        thorax::cuda::avg_pool2d_backward(gy.data(), gx.data(), s, shape);
        check.close("avg gx", gx, gxa, 1e-6, 1e-7);
      }
    }
}
