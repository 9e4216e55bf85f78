// Elementwise CUDA kernels (kernels/cuda/elementwise.cu) in the emulator against plain loops: mul and its
// backward, scale, every activation forward and backward (reference: kernels/reference/elementwise_math.h,
// in double), and the fused Adam/AdamW step (reference: nn/adam.cpp's loop, written out here).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/emu/emulator.h"
#include "kernels/reference/elementwise_math.h"
#include "tests/cuda/check.h"

using thorax::cuda::Activation;
using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;
using thorax::cuda::test::CheckScope;
using thorax::cuda::test::values;

namespace {

// Sizes that are not multiples of any block size used, with explicit small grids (grid-stride loops
// wrap) and derived ones.
const std::int64_t kSizes[] = {1, 37, 203};
const LaunchShape kShapes[] = {{32, 2}, {96, 0}};

thorax::kernels::UnaryOp unary_of(Activation a) {
  using U = thorax::kernels::UnaryOp;
  switch (a) {
    case Activation::relu: return U::relu;
    case Activation::relu6: return U::relu6;
    case Activation::leaky_relu: return U::leaky_relu;
    case Activation::sigmoid: return U::sigmoid;
    case Activation::tanh: return U::tanh;
    case Activation::silu: return U::silu;
    case Activation::gelu: return U::gelu;
    case Activation::hardswish: return U::hardswish;
  }
  return U::relu;
}

// The reference value and derivative of an activation at x, in double.
void reference_activation(Activation a, double x, double alpha, double& y, double& dy) {
  thorax::kernels::UnaryParams p;
  p.a = alpha;
  thorax::kernels::visit_unary(unary_of(a), [&]<thorax::kernels::UnaryOp OP>() {
    y = thorax::kernels::unary_value<OP, double>(x, p);
    dy = thorax::kernels::unary_derivative<OP, double>(x, y, p);
  });
}

}  // namespace

TEST_CASE("cuda mul, mul_backward and scale match plain loops") {
  for (std::int64_t n : kSizes)
    for (LaunchShape shape : kShapes) {
      CAPTURE(n);
      CAPTURE(shape.block);
      ScopedSchedule scope(shape.block == 32 ? Schedule::reverse : Schedule::shuffle, static_cast<std::uint64_t>(n));
      std::vector<float> a = values(n, 1), b = values(n, 2), g = values(n, 3);
      std::vector<double> ab(n), ga_want(n), gb_want(n), scaled(n);
      for (std::int64_t i = 0; i < n; ++i) {
        ab[i] = static_cast<double>(a[i]) * b[i];
        ga_want[i] = static_cast<double>(g[i]) * b[i];
        gb_want[i] = static_cast<double>(g[i]) * a[i];
        scaled[i] = -1.5 * a[i];
      }
      CheckScope check;
      std::vector<float> out(n, NAN), ga(n, NAN), gb(n, NAN);
      thorax::cuda::mul_f32(a.data(), b.data(), out.data(), n, shape);
      check.close("a*b", out, ab, 1e-6, 0);
      thorax::cuda::mul_backward_f32(g.data(), a.data(), b.data(), ga.data(), gb.data(), n, shape);
      check.close("ga", ga, ga_want, 1e-6, 0);
      check.close("gb", gb, gb_want, 1e-6, 0);
      std::vector<float> only(n, 7.0f);  // a null gradient is skipped, the other still written
      thorax::cuda::mul_backward_f32(g.data(), a.data(), b.data(), nullptr, only.data(), n, shape);
      check.close("gb alone", only, gb_want, 1e-6, 0);
      thorax::cuda::scale_f32(a.data(), -1.5f, out.data(), n, shape);
      check.close("scale", out, scaled, 1e-6, 0);
    }
}

TEST_CASE("cuda activations forward and backward match kernels/reference's math") {
  for (Activation a : thorax::cuda::kActivations)
    for (std::int64_t n : kSizes)
      for (LaunchShape shape : kShapes) {
        CAPTURE(thorax::cuda::activation_name(a));
        CAPTURE(n);
        CAPTURE(shape.block);
        // Inputs spread over [-8, 8] so every branch is taken (relu6's top, hardswish's three pieces),
        // plus the kinks themselves.
        std::vector<float> x = values(n, 4, -8.0f, 8.0f), gy = values(n, 5);
        const float kinks[] = {0.0f, 6.0f, -3.0f, 3.0f};
        for (std::int64_t i = 0; i < n && i < 4; ++i) x[i] = kinks[i];
        const float alpha = 0.07f;
        std::vector<double> y_want(n), gx_want(n);
        for (std::int64_t i = 0; i < n; ++i) {
          double y, dy;
          reference_activation(a, x[i], alpha, y, dy);
          y_want[i] = y;
          gx_want[i] = static_cast<double>(gy[i]) * dy;
        }
        ScopedSchedule scope(n % 2 ? Schedule::shuffle : Schedule::forward, static_cast<std::uint64_t>(n));
        CheckScope check;
        std::vector<float> y(n, NAN), gx(n, NAN);
        thorax::cuda::activation_forward(a, x.data(), y.data(), n, alpha, shape);
        check.close("y", y, y_want, 2e-6, 2e-7);
        thorax::cuda::activation_backward(a, x.data(), y.data(), gy.data(), gx.data(), n, alpha, shape);
        check.close("gx", gx, gx_want, 1e-5, 1e-6);
      }
}

TEST_CASE("cuda adam_step (Adam and AdamW) matches nn/adam.cpp's loop over three steps") {
  for (bool decoupled : {true, false})
    for (LaunchShape shape : kShapes) {
      const std::int64_t n = 203;
      CAPTURE(decoupled);
      CAPTURE(shape.block);
      std::vector<float> w = values(n, 6), m(n, 0.0f), v(n, 0.0f);
      std::vector<float> rw = w, rm = m, rv = v;
      thorax::cuda::AdamStep s;
      s.lr = 0.01;
      s.weight_decay = 0.05;
      s.decoupled_weight_decay = decoupled;
      CheckScope check;
      for (long long t = 1; t <= 3; ++t) {
        std::vector<float> g = values(n, 7 + static_cast<int>(t));
        s.step = t;
        thorax::cuda::adam_step(w.data(), g.data(), m.data(), v.data(), n, s, shape);
        // nn/adam.cpp's loop, in float as it is there.
        const double bc1 = 1 - std::pow(s.beta1, static_cast<double>(t));
        const double bc2_sqrt = std::sqrt(1 - std::pow(s.beta2, static_cast<double>(t)));
        const float b1 = static_cast<float>(s.beta1), b2 = static_cast<float>(s.beta2), eps = static_cast<float>(s.eps);
        const float step_size = static_cast<float>(s.lr / bc1), inv_bc2 = static_cast<float>(1.0 / bc2_sqrt);
        const float wd = static_cast<float>(s.weight_decay), decay = static_cast<float>(1.0 - s.lr * s.weight_decay);
        for (std::int64_t i = 0; i < n; ++i) {
          float gi = g[i];
          if (decoupled) rw[i] *= decay;
          else gi += wd * rw[i];
          rm[i] = b1 * rm[i] + (1 - b1) * gi;
          rv[i] = b2 * rv[i] + (1 - b2) * gi * gi;
          rw[i] -= step_size * rm[i] / (std::sqrt(rv[i]) * inv_bc2 + eps);
        }
      }
      check.close("w", w, rw, 1e-6, 1e-7);
      check.close("m", m, rm, 1e-6, 1e-8);
      check.close("v", v, rv, 1e-6, 1e-10);
    }
}
