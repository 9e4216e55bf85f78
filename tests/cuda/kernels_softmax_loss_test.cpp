// Softmax (three forward versions, one backward) and the fused losses (BCE with logits, focal,
// cross-entropy) in the emulator, against kernels/reference (in double) or a plain loop written here.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/cuda/emu/emulator.h"
#include "kernels/cuda/loss.h"
#include "kernels/cuda/softmax.h"
#include "kernels/reference/loss.h"
#include "kernels/reference/softmax.h"
#include "tests/cuda/check.h"

using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;
using thorax::cuda::test::CheckScope;
using thorax::cuda::test::to_double;
using thorax::cuda::test::values;

namespace {

// Two launch shapes per warp-per-row kernel: one warp per block with a derived grid, and three warps per
// block with a grid of 2 (so warps wrap around the rows).
const LaunchShape kWarpShapes[] = {{32, 0}, {96, 2}};

}  // namespace

TEST_CASE("cuda softmax forward (naive, warp, online) and backward match kernels/reference") {
  const std::int64_t shapes[][2] = {{1, 1}, {7, 5}, {13, 37}, {5, 70}};
  for (auto& rc : shapes) {
    const std::int64_t rows = rc[0], cols = rc[1];
    CAPTURE(rows);
    CAPTURE(cols);
    // Logits up to ±40: exp would overflow float without the max subtraction.
    std::vector<float> x = values(rows * cols, 1, -40.0f, 40.0f), gy = values(rows * cols, 2);
    std::vector<double> y_want(rows * cols), gx_want(rows * cols);
    std::vector<double> xd = to_double(x), gyd = to_double(gy);
    thorax::kernels::ref::softmax_forward<thorax::kernels::SoftmaxOp::softmax>(xd.data(), y_want.data(), rows, cols, 1);
    thorax::kernels::ref::softmax_backward<thorax::kernels::SoftmaxOp::softmax>(y_want.data(), gyd.data(),
                                                                              gx_want.data(), rows, cols, 1);
    for (LaunchShape shape : {LaunchShape{32, 0}, LaunchShape{48, 1}}) {
      ScopedSchedule scope(Schedule::shuffle, static_cast<std::uint64_t>(rows + shape.block));
      CheckScope check;
      std::vector<float> y(rows * cols, NAN);
      thorax::cuda::softmax_forward_naive(x.data(), y.data(), rows, cols, shape);
      check.close("naive y", y, y_want, 1e-5, 1e-7);
    }
    for (LaunchShape shape : kWarpShapes) {
      CAPTURE(shape.block);
      ScopedSchedule scope(shape.grid ? Schedule::reverse : Schedule::forward, 3);
      CheckScope check;
      std::vector<float> y(rows * cols, NAN), y2(rows * cols, NAN), gx(rows * cols, NAN);
      thorax::cuda::softmax_forward_warp(x.data(), y.data(), rows, cols, shape);
      check.close("warp y", y, y_want, 1e-5, 1e-7);
      thorax::cuda::softmax_forward_online(x.data(), y2.data(), rows, cols, shape);
      check.close("online y", y2, y_want, 1e-5, 1e-7);
      thorax::cuda::softmax_backward(y.data(), gy.data(), gx.data(), rows, cols, shape);
      check.close("gx", gx, gx_want, 1e-4, 1e-6);
    }
  }
  std::vector<float> x(4);
  CHECK_THROWS_WITH(thorax::cuda::softmax_forward_warp(x.data(), x.data(), 1, 4, {40, 1}),
                    doctest::Contains("multiple of 32"));
}

TEST_CASE("cuda bce_with_logits forward and backward match kernels/reference (pos_weight, weight)") {
  const std::int64_t n = 203, classes = 7;  // 203 = 29 rows of 7 labels
  std::vector<float> x = values(n, 3, -30.0f, 30.0f), pw = values(classes, 4, 0.5f, 3.0f), w = values(n, 5, 0.0f, 2.0f);
  std::vector<float> g = values(n, 6), t(n);
  for (std::int64_t i = 0; i < n; ++i) t[i] = i % 3 == 0 ? 1.0f : (i % 3 == 1 ? 0.0f : 0.3f);  // soft labels too
  std::vector<double> xd = to_double(x), td = to_double(t), pwd = to_double(pw), wd = to_double(w), gd = to_double(g);
  for (bool weighted : {false, true})
    for (LaunchShape shape : {LaunchShape{32, 2}, LaunchShape{96, 0}}) {
      CAPTURE(weighted);
      CAPTURE(shape.block);
      thorax::kernels::BceArgs<double> ra{xd.data(), td.data(), weighted ? pwd.data() : nullptr,
                                          weighted ? wd.data() : nullptr, n, classes};
      std::vector<double> l_want(n), gx_want(n);
      thorax::kernels::ref::bce_forward(ra, l_want.data());
      thorax::kernels::ref::bce_backward(ra, gd.data(), gx_want.data());
      thorax::cuda::BceArgs a{x.data(), t.data(), weighted ? pw.data() : nullptr, weighted ? w.data() : nullptr, n,
                              classes};
      ScopedSchedule scope(Schedule::shuffle, 5);
      CheckScope check;
      std::vector<float> l(n, NAN), gx(n, NAN);
      thorax::cuda::bce_with_logits_forward(a, l.data(), shape);
      check.close("loss", l, l_want, 1e-5, 1e-6);
      thorax::cuda::bce_with_logits_backward(a, g.data(), gx.data(), shape);
      check.close("gx", gx, gx_want, 1e-5, 1e-7);
    }
}

namespace {

// torchvision's sigmoid_focal_loss at one element, in double (the reference the CUDA kernel must match).
double focal_reference(double x, double t, double w, double alpha, double gamma) {
  double p = 1.0 / (1.0 + std::exp(-x));
  double ce = t * thorax::kernels::ref::softplus(-x) + (1 - t) * thorax::kernels::ref::softplus(x);
  double p_t = p * t + (1 - p) * (1 - t);
  double alpha_t = alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1.0;
  return w * alpha_t * std::pow(1 - p_t, gamma) * ce;
}

}  // namespace

TEST_CASE("cuda focal loss forward matches torchvision's definition, backward its central difference") {
  const std::int64_t n = 157;
  std::vector<float> x = values(n, 7, -6.0f, 6.0f), w = values(n, 8, 0.0f, 2.0f), g = values(n, 9), t(n);
  for (std::int64_t i = 0; i < n; ++i) t[i] = i % 2 ? 1.0f : 0.0f;
  struct Case {
    float alpha, gamma;
    bool weighted;
  };
  const Case cases[] = {{0.25f, 2.0f, false}, {-1.0f, 0.0f, true}, {0.6f, 1.5f, true}};
  int k = 0;
  for (Case c : cases) {
    LaunchShape shape = k++ % 2 ? LaunchShape{64, 1} : LaunchShape{32, 0};
    CAPTURE(c.alpha);
    CAPTURE(c.gamma);
    CAPTURE(shape.block);
    std::vector<double> l_want(n), gx_want(n);
    const double h = 1e-5;
    for (std::int64_t i = 0; i < n; ++i) {
      double wi = c.weighted ? w[i] : 1.0;
      l_want[i] = focal_reference(x[i], t[i], wi, c.alpha, c.gamma);
      gx_want[i] = g[i] * (focal_reference(x[i] + h, t[i], wi, c.alpha, c.gamma) -
                           focal_reference(x[i] - h, t[i], wi, c.alpha, c.gamma)) / (2 * h);
    }
    thorax::cuda::FocalArgs a{x.data(), t.data(), c.weighted ? w.data() : nullptr, n, c.alpha, c.gamma};
    ScopedSchedule scope(Schedule::reverse, 1);
    CheckScope check;
    std::vector<float> l(n, NAN), gx(n, NAN);
    thorax::cuda::focal_loss_forward(a, l.data(), shape);
    check.close("loss", l, l_want, 1e-5, 1e-7);
    thorax::cuda::focal_loss_backward(a, g.data(), gx.data(), shape);
    check.close("gx", gx, gx_want, 1e-4, 1e-6);
  }
}

TEST_CASE("cuda cross_entropy forward and backward match kernels/reference (weights, smoothing, ignore_index)") {
  const std::int64_t sizes[][2] = {{1, 3}, {9, 41}, {23, 5}};
  int k = 0;
  for (auto& nc : sizes)
    for (bool weighted : {false, true})
      for (float smoothing : {0.0f, 0.1f}) {
        const std::int64_t n = nc[0], c = nc[1];
        LaunchShape shape = kWarpShapes[k++ % 2];
        CAPTURE(n);
        CAPTURE(c);
        CAPTURE(weighted);
        CAPTURE(smoothing);
        CAPTURE(shape.block);
        std::vector<float> x = values(n * c, 10, -20.0f, 20.0f), cw = values(c, 11, 0.2f, 2.0f), g = values(n, 12);
        std::vector<std::int64_t> y(n);
        for (std::int64_t i = 0; i < n; ++i) y[i] = i % 4 == 3 ? -100 : (i * 7) % c;  // every 4th row ignored
        std::vector<double> xd = to_double(x), cwd = to_double(cw), gd = to_double(g);
        thorax::kernels::CrossEntropyArgs<double> ra{xd.data(), y.data(), weighted ? cwd.data() : nullptr, smoothing,
                                                     -100, n, c};
        std::vector<double> l_want(n), gx_want(n * c);
        thorax::kernels::ref::cross_entropy_forward(ra, l_want.data());
        thorax::kernels::ref::cross_entropy_backward(ra, gd.data(), gx_want.data());
        thorax::cuda::CrossEntropyArgs a{x.data(), y.data(), weighted ? cw.data() : nullptr, smoothing, -100, n, c};
        ScopedSchedule scope(Schedule::shuffle, static_cast<std::uint64_t>(k));
        CheckScope check;
        std::vector<float> l(n, NAN), gx(n * c, NAN);
        thorax::cuda::cross_entropy_forward(a, l.data(), shape);
        check.close("loss", l, l_want, 1e-5, 1e-5);
        thorax::cuda::cross_entropy_backward(a, g.data(), gx.data(), shape);
        check.close("gx", gx, gx_want, 1e-5, 1e-6);
      }
}
