// Convolution in the emulator: the implicit-GEMM conv2d (forward, backward-data, backward-weight, bias
// gradient) at tiles 8 and 16, and the depthwise kernels, against kernels/reference in double on awkward
// shapes (odd sizes, stride 2, padding, dilation, 1x1, batch 1).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/cuda/conv2d.h"
#include "kernels/cuda/emu/emulator.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/depthwise_conv2d.h"
#include "tests/cuda/check.h"

using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;
using thorax::cuda::test::CheckScope;
using thorax::cuda::test::to_double;
using thorax::cuda::test::values;
using thorax::kernels::Conv2dParams;

namespace {

thorax::cuda::Conv2dShape cuda_shape(const Conv2dParams& p) {
  thorax::cuda::Conv2dShape s;
  s.N = p.N, s.C_in = p.C_in, s.H = p.H, s.W = p.W, s.C_out = p.C_out, s.kH = p.kH, s.kW = p.kW;
  s.stride_h = p.stride_h, s.stride_w = p.stride_w, s.pad_h = p.pad_h, s.pad_w = p.pad_w;
  s.dilation_h = p.dilation_h, s.dilation_w = p.dilation_w, s.H_out = p.H_out(), s.W_out = p.W_out();
  return s;
}

Conv2dParams conv(std::int64_t N, std::int64_t C_in, std::int64_t H, std::int64_t W, std::int64_t C_out, std::int64_t kH,
                  std::int64_t kW, std::int64_t stride, std::int64_t pad_h, std::int64_t pad_w, std::int64_t dilation = 1) {
  Conv2dParams p;
  p.N = N, p.C_in = C_in, p.H = H, p.W = W, p.C_out = C_out, p.kH = kH, p.kW = kW;
  p.stride_h = p.stride_w = stride, p.pad_h = pad_h, p.pad_w = pad_w, p.dilation_h = p.dilation_w = dilation;
  return p;
}

// The three passes of one convolution, and the sizes of its tensors.
struct Expected {
  std::vector<float> x, w, b, gy;
  std::vector<double> y, gx, gw, gb;
};

template <class Forward, class BackwardData, class BackwardWeight>
Expected expected(const Conv2dParams& p, std::int64_t w_size, int salt, Forward fwd, BackwardData bwd_data,
                  BackwardWeight bwd_weight) {
  Expected e;
  const std::int64_t in = p.N * p.C_in * p.H * p.W, out = p.N * p.C_out * p.H_out() * p.W_out();
  e.x = values(in, salt), e.w = values(w_size, salt + 1), e.b = values(p.C_out, salt + 2), e.gy = values(out, salt + 3);
  std::vector<double> xd = to_double(e.x), wd = to_double(e.w), bd = to_double(e.b), gyd = to_double(e.gy);
  e.y.resize(out), e.gx.resize(in), e.gw.resize(w_size), e.gb.resize(p.C_out);
  fwd(xd.data(), wd.data(), bd.data(), e.y.data(), p);
  bwd_data(gyd.data(), wd.data(), e.gx.data(), p);
  bwd_weight(xd.data(), gyd.data(), e.gw.data(), e.gb.data(), p);
  return e;
}

}  // namespace

TEST_CASE("cuda conv2d implicit GEMM forward, backward-data and backward-weight match kernels/reference") {
  const Conv2dParams cases[] = {
      conv(2, 3, 7, 6, 5, 3, 3, 1, 1, 1),     // 3x3 same padding, odd sizes
      conv(1, 2, 9, 8, 3, 3, 2, 2, 1, 0),     // rectangular kernel, stride 2, padding on one axis only
      conv(3, 4, 5, 5, 2, 1, 1, 2, 0, 0),     // strided 1x1 (a ResNet shortcut)
      conv(1, 3, 8, 7, 4, 3, 3, 1, 2, 2, 2),  // dilation 2
  };
  int k = 0;
  for (const Conv2dParams& p : cases)
    for (int tile : {8, 16}) {
      CAPTURE(k);
      CAPTURE(tile);
      const std::int64_t w_size = p.C_out * p.C_in * p.kH * p.kW;
      Expected e = expected(
          p, w_size, 10 * k, [](auto... a) { thorax::kernels::ref::conv2d_forward(a...); },
          [](auto... a) { thorax::kernels::ref::conv2d_backward_data(a...); },
          [](auto... a) { thorax::kernels::ref::conv2d_backward_weight(a...); });
      thorax::cuda::Conv2dShape s = cuda_shape(p);
      ScopedSchedule scope(tile == 8 ? Schedule::shuffle : Schedule::reverse, static_cast<std::uint64_t>(k));
      CheckScope check;
      std::vector<float> y(e.y.size(), NAN), gx(e.gx.size(), NAN), gw(w_size, NAN), gb(p.C_out, NAN);
      // float32 sums of that many terms of magnitude <= 1, against double.
      auto tol = [](std::int64_t terms) { return 2e-7 * static_cast<double>(terms); };
      const std::int64_t pixels = p.N * p.H_out() * p.W_out();
      thorax::cuda::conv2d_forward(e.x.data(), e.w.data(), e.b.data(), y.data(), s, tile);
      check.close("y", y, e.y, 1e-5, tol(p.C_in * p.kH * p.kW));
      thorax::cuda::conv2d_backward_data(e.gy.data(), e.w.data(), gx.data(), s, tile);
      check.close("gx", gx, e.gx, 1e-5, tol(p.C_out * p.kH * p.kW));
      thorax::cuda::conv2d_backward_weight(e.x.data(), e.gy.data(), gw.data(), gb.data(), s, tile, tile == 8 ? 32 : 64);
      check.close("gw", gw, e.gw, 1e-5, tol(pixels));
      check.close("gb", gb, e.gb, 1e-5, tol(pixels));
      ++k;
    }
  std::vector<float> m(4);
  CHECK_THROWS_WITH(thorax::cuda::conv2d_forward(m.data(), m.data(), nullptr, m.data(), {}, 32),
                    doctest::Contains("tile must be 8 or 16"));
}

TEST_CASE("cuda depthwise conv2d forward, backward-data and backward-weight match kernels/reference") {
  const Conv2dParams cases[] = {
      conv(2, 3, 7, 6, 3, 3, 3, 1, 1, 1),     // MobileNet's 3x3, multiplier 1
      conv(1, 2, 9, 8, 4, 5, 5, 2, 2, 2),     // 5x5 stride 2 (EfficientNet), multiplier 2
      conv(3, 4, 6, 5, 4, 3, 3, 2, 1, 1, 2),  // stride 2 with dilation 2
  };
  int k = 0;
  for (Conv2dParams p : cases)
    for (int config = 0; config < 2; ++config) {
      p.groups = p.C_in;
      CAPTURE(k);
      CAPTURE(config);
      const std::int64_t w_size = p.C_out * p.kH * p.kW;
      Expected e = expected(
          p, w_size, 20 * k + 3, [](auto... a) { thorax::kernels::ref::depthwise_conv2d_forward(a...); },
          [](auto... a) { thorax::kernels::ref::depthwise_conv2d_backward_data(a...); },
          [](auto... a) { thorax::kernels::ref::depthwise_conv2d_backward_weight(a...); });
      thorax::cuda::Conv2dShape s = cuda_shape(p);
      const LaunchShape shape = config ? LaunchShape{96, 0} : LaunchShape{32, 3};
      ScopedSchedule scope(config ? Schedule::shuffle : Schedule::forward, static_cast<std::uint64_t>(k));
      CheckScope check;
      std::vector<float> y(e.y.size(), NAN), gx(e.gx.size(), NAN), gw(w_size, NAN), gb(p.C_out, NAN);
      auto tol = [](std::int64_t terms) { return 2e-7 * static_cast<double>(terms); };
      const std::int64_t pixels = p.N * p.H_out() * p.W_out(), mult = p.C_out / p.C_in;
      thorax::cuda::depthwise_conv2d_forward(e.x.data(), e.w.data(), e.b.data(), y.data(), s, shape);
      check.close("y", y, e.y, 1e-5, tol(p.kH * p.kW));
      thorax::cuda::depthwise_conv2d_backward_data(e.gy.data(), e.w.data(), gx.data(), s, shape);
      check.close("gx", gx, e.gx, 1e-5, tol(mult * p.kH * p.kW));
      thorax::cuda::depthwise_conv2d_backward_weight(e.x.data(), e.gy.data(), gw.data(), gb.data(), s,
                                                     config ? 64 : 32);
      check.close("gw", gw, e.gw, 1e-5, tol(pixels));
      check.close("gb", gb, e.gb, 1e-5, tol(pixels));
      ++k;
    }
}
