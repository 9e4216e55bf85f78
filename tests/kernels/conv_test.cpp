// Every version of conv2d and depthwise_conv2d against its reference, forward and both backwards, on
// awkward shapes; the two references against each other; and the default CPU conv2d against the
// reference run in double on a shape too large for float loops to be a fair oracle.
#include <doctest/doctest.h>
#include <omp.h>

#include <iterator>
#include <string>
#include <vector>

#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/depthwise_conv2d.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

namespace {

std::string describe(const Conv2dParams& p) {
  auto s = [](int64_t v) { return std::to_string(v); };
  return "N" + s(p.N) + " C" + s(p.C_in) + "->" + s(p.C_out) + " " + s(p.H) + "x" + s(p.W) + " k" + s(p.kH) + "x" +
         s(p.kW) + " s" + s(p.stride_h) + "," + s(p.stride_w) + " p" + s(p.pad_h) + "," + s(p.pad_w) + " d" +
         s(p.dilation_h) + "," + s(p.dilation_w) + " g" + s(p.groups);
}

// Conv2dParams in reading order: N, C_in, H, W, C_out, kH, kW, stride, pad, dilation (h, w each), groups.
Conv2dParams conv(int64_t N, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t kH, int64_t kW,
                  int64_t sh = 1, int64_t sw = 1, int64_t ph = 0, int64_t pw = 0, int64_t dh = 1, int64_t dw = 1,
                  int64_t groups = 1) {
  return {N, C_in, H, W, C_out, kH, kW, sh, sw, ph, pw, dh, dw, groups};
}

struct Buffers {
  std::vector<float> x, w, b, gy;
};

Buffers buffers(const Conv2dParams& p, uint64_t seed) {
  const int64_t nx = p.N * p.C_in * p.H * p.W, nw = p.C_out * (p.C_in / p.groups) * p.kH * p.kW;
  const int64_t ny = p.N * p.C_out * p.H_out() * p.W_out();
  return {random_floats(nx, seed), random_floats(nw, seed + 1), random_floats(p.C_out, seed + 2),
          random_floats(ny, seed + 3)};
}

// A shape's inputs and what the reference makes of them: forward with and without bias, backward-data,
// backward-weight with and without the bias gradient. Computed once per shape for all versions.
struct Expected {
  Buffers b;
  std::vector<float> y_bias, y, gx, gw_bias, gb, gw;
};

Expected expected(const Conv2dKernel& ref, const Conv2dParams& p) {
  Expected e{buffers(p, 7 + static_cast<uint64_t>(p.N * p.C_in * p.H * p.W)), {}, {}, {}, {}, {}, {}};
  const Buffers& b = e.b;
  e.y_bias.assign(b.gy.size(), -7.0f), e.y.assign(b.gy.size(), -7.0f), e.gx.assign(b.x.size(), -3.0f);
  e.gw_bias.assign(b.w.size(), -9.0f), e.gw.assign(b.w.size(), -9.0f), e.gb.assign(b.b.size(), -4.0f);
  ref.forward(b.x.data(), b.w.data(), b.b.data(), e.y_bias.data(), p);
  ref.forward(b.x.data(), b.w.data(), nullptr, e.y.data(), p);
  ref.backward_data(b.gy.data(), b.w.data(), e.gx.data(), p);
  ref.backward_weight(b.x.data(), b.gy.data(), e.gw_bias.data(), e.gb.data(), p);
  ref.backward_weight(b.x.data(), b.gy.data(), e.gw.data(), nullptr, p);
  return e;
}

// Runs forward (with and without bias), backward-data and backward-weight (with and without the bias
// gradient) of `got`, comparing each with the reference's.
void check_version(const Conv2dKernel& got, const Expected& e, const Conv2dParams& p, const std::string& what,
                   Tolerance tol) {
  const Buffers& b = e.b;
  for (bool with_bias : {true, false}) {
    // Start from garbage so that a kernel that accumulates instead of assigning is caught.
    std::vector<float> y(b.gy.size(), 123.0f);
    got.forward(b.x.data(), b.w.data(), with_bias ? b.b.data() : nullptr, y.data(), p);
    expect_close(y, with_bias ? e.y_bias : e.y, tol, what + (with_bias ? " forward+bias" : " forward"));
  }
  std::vector<float> gx(b.x.size(), 55.0f);
  got.backward_data(b.gy.data(), b.w.data(), gx.data(), p);
  expect_close(gx, e.gx, tol, what + " backward_data");
  for (bool with_bias : {true, false}) {
    std::vector<float> gw(b.w.size(), 9.0f), gb(b.b.size(), 4.0f);
    got.backward_weight(b.x.data(), b.gy.data(), gw.data(), with_bias ? gb.data() : nullptr, p);
    expect_close(gw, with_bias ? e.gw_bias : e.gw, tol, what + " backward_weight");
    if (with_bias) expect_close(gb, e.gb, tol, what + " backward_bias");
  }
}

// Every version of `op` on every shape, the reference run once per shape.
void check_every_version(const Op<Conv2dKernel>& op, const std::vector<Conv2dParams>& shapes, Tolerance tol) {
  for (const Conv2dParams& p : shapes) {
    const Expected e = expected(op.reference().fn, p);
    for (const auto& v : op.versions) check_version(v.fn, e, p, op.name + "/" + v.name + " " + describe(p), tol);
  }
  for (const auto& v : op.versions) passed(op, v);
}

}  // namespace

TEST_CASE("conv2d: every version matches the reference (stride, padding, dilation, groups, 1x1, batch 1)") {
  const Conv2dParams shapes[] = {
      conv(1, 1, 5, 7, 1, 3, 3),                          // batch 1, one channel, no padding
      conv(2, 3, 7, 6, 4, 3, 3, 2, 2, 1, 1),              // stride 2, padding
      conv(2, 4, 9, 8, 6, 2, 3, 2, 1, 1, 0, 2, 1, 2),     // groups 2, non-square kernel, dilation, mixed strides
      conv(3, 5, 4, 5, 7, 1, 1),                          // 1x1 stride 1: the GEMM-only path
      conv(2, 6, 4, 3, 9, 1, 1, 1, 1, 0, 0, 1, 1, 3),     // 1x1 with groups
      conv(2, 4, 7, 9, 3, 1, 1, 2, 2),                    // 1x1 stride 2: through im2col
      conv(1, 3, 5, 5, 2, 1, 1, 1, 1, 1, 1),              // 1x1 with padding
      conv(2, 4, 6, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4),     // depthwise-shaped, through the generic op
      conv(1, 2, 11, 8, 3, 5, 5, 3, 3, 2, 2),             // kernel larger than stride
      conv(2, 3, 9, 9, 5, 3, 3, 1, 1, 2, 2, 2, 2),        // dilation 2 with matching padding
      conv(1, 2, 3, 4, 2, 3, 4),                          // kernel covers the whole input: 1x1 output
      conv(4, 16, 17, 19, 24, 3, 3, 1, 1, 1, 1),          // large enough for the batch-parallel path
      conv(5, 8, 12, 10, 16, 3, 3, 2, 2, 1, 1, 1, 1, 2),  // batch 5, small maps: one GEMM for the batch
      // Output maps above 256 pixels run one GEMM per sample: batch 5 (uneven weight-gradient chunks),
      // 1×1, groups.
      conv(5, 4, 18, 16, 6, 3, 3, 1, 1, 1, 1),
      conv(3, 4, 17, 16, 6, 1, 1),
      conv(2, 4, 18, 17, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2),
      // 3×3 stride 1 with at least 16 channels (Winograd's shapes): maps not a multiple of the 4×4
      // tile, padding 0, 1 and 2, unequal channel counts, groups, a map smaller than one tile.
      conv(2, 16, 9, 11, 24, 3, 3, 1, 1, 1, 1),
      conv(3, 20, 7, 6, 17, 3, 3, 1, 1, 0, 0),
      conv(1, 17, 5, 9, 16, 3, 3, 1, 1, 2, 2),
      conv(2, 32, 10, 10, 48, 3, 3, 1, 1, 1, 0, 1, 1, 2),
      conv(2, 16, 3, 2, 16, 3, 3, 1, 1, 1, 1),
      // Winograd with several tile blocks and output-channel ranges (threads), and with kernels too
      // large to transform once (each task transforms its own channels) over two K blocks.
      conv(3, 16, 40, 36, 24, 3, 3, 1, 1, 1, 1),
      conv(1, 400, 3, 3, 160, 3, 3, 1, 1, 1, 1),
  };
  check_every_version(conv2d_op(), std::vector<Conv2dParams>(std::begin(shapes), std::end(shapes)), {1e-5, 1e-5});
}

TEST_CASE("depthwise_conv2d: every version matches the reference (multiplier, stride, dilation, batch 1)") {
  const Conv2dParams shapes[] = {
      conv(1, 3, 7, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3),     // batch 1
      conv(2, 4, 9, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4),     // channel multiplier 2, stride 2
      conv(2, 5, 10, 11, 5, 5, 5, 1, 1, 4, 4, 2, 2, 5),   // dilation 2, wide padding
      conv(3, 2, 6, 7, 6, 1, 3, 1, 2, 0, 1, 1, 1, 2),     // non-square kernel, multiplier 3, mixed strides
      conv(1, 6, 4, 4, 6, 1, 1, 1, 1, 0, 0, 1, 1, 6),     // 1x1
      conv(1, 1, 5, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // a single channel (groups 1)
      conv(1, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 1, 1, 3),     // one output pixel
      conv(1, 2, 11, 12, 2, 7, 7, 1, 1, 3, 3, 1, 1, 2),   // 7x7 (a specialized interior)
      conv(2, 3, 12, 13, 3, 5, 5, 2, 3, 2, 1, 1, 2, 3),   // 5x5 interior with strides and dilation
      conv(2, 32, 17, 17, 32, 3, 3, 1, 1, 1, 1, 1, 1, 32),  // large enough for the parallel path
      // Stride-1 "same" shapes (the vectorized path of vec_*): planes not a multiple of the vector,
      // smaller than one vector, multiplier 2 with 5×5, a non-square odd kernel, a plane of one row.
      conv(3, 4, 23, 19, 8, 5, 5, 1, 1, 2, 2, 1, 1, 4),
      conv(2, 3, 2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3),
      conv(2, 5, 9, 13, 5, 3, 1, 1, 1, 1, 0, 1, 1, 5),
      conv(1, 2, 1, 37, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2),
      // 3×3 stride 2 padding 1 (the stride-2 path of vec_*): odd and even sizes, rows of several vectors.
      conv(2, 3, 11, 37, 3, 3, 3, 2, 2, 1, 1, 1, 1, 3),
      conv(1, 2, 34, 33, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2),
      conv(3, 2, 2, 1, 2, 3, 3, 2, 2, 1, 1, 1, 1, 2),
      // Small maps (the channel-blocked path): a full and a partial block of channels, rows narrower
      // than a vector, stride 2, padding 0 and 2.
      conv(2, 20, 7, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1, 20),
      conv(2, 20, 14, 14, 20, 3, 3, 2, 2, 1, 1, 1, 1, 20),
      conv(1, 17, 10, 9, 17, 3, 3, 1, 1, 0, 0, 1, 1, 17),
      conv(1, 16, 6, 5, 16, 3, 3, 1, 1, 2, 2, 1, 1, 16),
  };
  const auto& op = depthwise_conv2d_op();
  check_every_version(op, std::vector<Conv2dParams>(std::begin(shapes), std::end(shapes)), {1e-5, 1e-5});
  // The depthwise reference is written on its own; the generic reference must agree with it exactly.
  const Conv2dKernel generic{ref::conv2d_forward<float>, ref::conv2d_backward_data<float>,
                             ref::conv2d_backward_weight<float>};
  for (const Conv2dParams& p : shapes)
    check_version(op.reference().fn, expected(generic, p), p,
                  "depthwise reference vs conv2d reference " + describe(p), {1e-6, 1e-6});
}

TEST_CASE("conv2d: the default CPU version matches the double-precision reference on a larger shape") {
  const Conv2dParams p = conv(4, 32, 24, 22, 40, 3, 3, 1, 1, 1, 1);
  const Buffers b = buffers(p, 99);
  auto to_d = [](const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); };
  auto to_f = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
  const std::vector<double> x = to_d(b.x), w = to_d(b.w), bias = to_d(b.b), gy = to_d(b.gy);
  std::vector<double> y_d(b.gy.size()), gx_d(b.x.size()), gw_d(b.w.size()), gb_d(b.b.size());
  ref::conv2d_forward<double>(x.data(), w.data(), bias.data(), y_d.data(), p);
  ref::conv2d_backward_data<double>(gy.data(), w.data(), gx_d.data(), p);
  ref::conv2d_backward_weight<double>(x.data(), gy.data(), gw_d.data(), gb_d.data(), p);

  const Conv2dKernel k = conv2d_op().cpu();
  std::vector<float> y(y_d.size()), gx(gx_d.size()), gw(gw_d.size()), gb(gb_d.size());
  k.forward(b.x.data(), b.w.data(), b.b.data(), y.data(), p);
  k.backward_data(b.gy.data(), b.w.data(), gx.data(), p);
  k.backward_weight(b.x.data(), b.gy.data(), gw.data(), gb.data(), p);
  // 288-term dot products forward, 2112-term sums for the weight gradient: float rounding of those.
  const std::string what = "conv2d/" + conv2d_op().default_cpu + " vs double reference " + describe(p);
  expect_close(y, to_f(y_d), {1e-5, 1e-5}, what + " forward");
  expect_close(gx, to_f(gx_d), {1e-5, 1e-5}, what + " backward_data");
  expect_close(gw, to_f(gw_d), {1e-5, 2e-5}, what + " backward_weight");
  expect_close(gb, to_f(gb_d), {1e-5, 2e-5}, what + " backward_bias");
}

TEST_CASE("conv2d: the weight gradient does not depend on the thread count") {
  const Conv2dParams p = conv(7, 8, 10, 9, 8, 3, 3, 1, 1, 1, 1);
  const Buffers b = buffers(p, 5);
  const Conv2dKernel k = conv2d_op().cpu();
  std::vector<float> gw_many(b.w.size()), gw_one(b.w.size());
  k.backward_weight(b.x.data(), b.gy.data(), gw_many.data(), nullptr, p);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  k.backward_weight(b.x.data(), b.gy.data(), gw_one.data(), nullptr, p);
  omp_set_num_threads(threads);
  CHECK(gw_many == gw_one);
}
