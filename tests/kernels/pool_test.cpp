// Every version of max_pool2d, avg_pool2d and adaptive_avg_pool2d against its reference, forward and
// backward, on awkward shapes (odd sizes, stride, padding, dilation, ceil mode, batch 1, 1x1).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/pool2d.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

namespace {

std::string describe(const Pool2dParams& p) {
  auto s = [](int64_t v) { return std::to_string(v); };
  return "N" + s(p.N) + " C" + s(p.C) + " " + s(p.H) + "x" + s(p.W) + " k" + s(p.kH) + "x" + s(p.kW) + " s" +
         s(p.stride_h) + "," + s(p.stride_w) + " p" + s(p.pad_h) + "," + s(p.pad_w) + " d" + s(p.dilation_h) + "," +
         s(p.dilation_w) + (p.ceil_mode ? " ceil" : "") + (p.count_include_pad ? "" : " exclude_pad");
}

// N, C, H, W, kernel, stride, pad, dilation (h, w each), ceil mode.
Pool2dParams pool(int64_t N, int64_t C, int64_t H, int64_t W, int64_t kH, int64_t kW, int64_t sh, int64_t sw,
                  int64_t ph = 0, int64_t pw = 0, int64_t dh = 1, int64_t dw = 1, bool ceil = false) {
  return {N, C, H, W, kH, kW, sh, sw, ph, pw, dh, dw, ceil, true};
}

const Pool2dParams kShapes[] = {
    pool(1, 1, 5, 7, 2, 2, 2, 2),                         // batch 1, odd sizes, a ragged edge dropped
    pool(2, 3, 7, 6, 3, 3, 2, 2, 1, 1),                   // the ResNet stem pool
    pool(2, 2, 9, 8, 3, 2, 2, 1, 1, 1),                   // non-square kernel, mixed strides
    pool(1, 2, 6, 7, 3, 3, 2, 2, 1, 1, 1, 1, true),       // ceil mode keeps a last partial window
    pool(1, 2, 5, 5, 2, 2, 3, 3, 1, 1, 1, 1, true),       // ceil mode dropping a window that starts in the padding
    pool(1, 1, 1, 1, 1, 1, 1, 1),                         // 1x1
    pool(2, 2, 8, 9, 3, 3, 1, 1, 1, 1),                   // overlapping windows
    pool(4, 16, 33, 31, 3, 3, 2, 2, 1, 1),                // large enough for the parallel path
};

}  // namespace

TEST_CASE("max_pool2d: every version matches the reference, argmax included (ties, dilation)") {
  std::vector<Pool2dParams> shapes(std::begin(kShapes), std::end(kShapes));
  shapes.push_back(pool(2, 2, 9, 8, 3, 2, 2, 1, 1, 1, 2, 1));        // dilation
  shapes.push_back(pool(1, 3, 10, 11, 3, 3, 3, 2, 1, 0, 2, 3, true));  // dilation with ceil mode
  const auto& op = max_pool2d_op();
  for (const auto& v : op.versions) {
    for (const Pool2dParams& p : shapes)
      for (bool ties : {false, true}) {
        const int64_t nx = p.N * p.C * p.H * p.W, ny = p.N * p.C * p.H_out() * p.W_out();
        auto x = random_floats(nx, 3 + static_cast<uint64_t>(nx));
        if (ties)
          for (auto& e : x) e = std::round(e);  // which of equal maxima wins is part of the contract
        const auto gy = random_floats(ny, 4);
        std::vector<float> y(ny), y_ref(ny), gx(nx, 5.0f), gx_ref(nx, -5.0f);
        std::vector<int64_t> arg(ny), arg_ref(ny);
        op.reference().fn.forward(x.data(), y_ref.data(), arg_ref.data(), p);
        v.fn.forward(x.data(), y.data(), arg.data(), p);
        op.reference().fn.backward(gy.data(), arg_ref.data(), gx_ref.data(), p);
        v.fn.backward(gy.data(), arg_ref.data(), gx.data(), p);
        const std::string what = "max_pool2d/" + v.name + " " + describe(p) + (ties ? " ties" : "");
        expect_close(y, y_ref, {0, 0}, what + " forward");
        INFO(what);
        CHECK(arg == arg_ref);
        expect_close(gx, gx_ref, {1e-6, 1e-6}, what + " backward");
      }
    passed(op, v);
  }
}

TEST_CASE("avg_pool2d: every version matches the reference (count_include_pad both ways, ceil mode)") {
  const auto& op = avg_pool2d_op();
  for (const auto& v : op.versions) {
    for (Pool2dParams p : kShapes)
      for (bool include_pad : {true, false}) {
        p.count_include_pad = include_pad;
        const int64_t nx = p.N * p.C * p.H * p.W, ny = p.N * p.C * p.H_out() * p.W_out();
        const auto x = random_floats(nx, 8 + static_cast<uint64_t>(nx)), gy = random_floats(ny, 9);
        std::vector<float> y(ny, 1.0f), y_ref(ny), gx(nx, 5.0f), gx_ref(nx, -5.0f);
        op.reference().fn.forward(x.data(), y_ref.data(), p);
        v.fn.forward(x.data(), y.data(), p);
        op.reference().fn.backward(gy.data(), gx_ref.data(), p);
        v.fn.backward(gy.data(), gx.data(), p);
        const std::string what = "avg_pool2d/" + v.name + " " + describe(p);
        expect_close(y, y_ref, {1e-6, 1e-5}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 1e-5}, what + " backward");
      }
    passed(op, v);
  }
}

TEST_CASE("adaptive_avg_pool2d: every version matches the reference (uneven, overlapping and growing bins)") {
  const AdaptivePool2dParams shapes[] = {
      {1, 1, 5, 7, 2, 3},    // uneven bins, overlapping by a row
      {2, 3, 7, 7, 7, 7},    // identity
      {2, 2, 6, 9, 4, 4},    //
      {1, 2, 3, 3, 5, 4},    // more outputs than inputs
      {1, 1, 1, 1, 2, 2},    // 1x1 input
      {3, 4, 9, 10, 1, 1},   // global average
      {4, 32, 14, 15, 3, 3}, // large enough for the parallel path
  };
  const auto& op = adaptive_avg_pool2d_op();
  for (const auto& v : op.versions) {
    for (const AdaptivePool2dParams& p : shapes) {
      const int64_t nx = p.N * p.C * p.H * p.W, ny = p.N * p.C * p.H_out * p.W_out;
      const auto x = random_floats(nx, 12 + static_cast<uint64_t>(nx)), gy = random_floats(ny, 13);
      std::vector<float> y(ny, 1.0f), y_ref(ny), gx(nx, 5.0f), gx_ref(nx, -5.0f);
      op.reference().fn.forward(x.data(), y_ref.data(), p);
      v.fn.forward(x.data(), y.data(), p);
      op.reference().fn.backward(gy.data(), gx_ref.data(), p);
      v.fn.backward(gy.data(), gx.data(), p);
      const std::string what = "adaptive_avg_pool2d/" + v.name + " " + std::to_string(p.H) + "x" + std::to_string(p.W) +
                               "->" + std::to_string(p.H_out) + "x" + std::to_string(p.W_out);
      expect_close(y, y_ref, {1e-6, 1e-5}, what + " forward");
      expect_close(gx, gx_ref, {1e-6, 1e-5}, what + " backward");
    }
    passed(op, v);
  }
}

TEST_CASE("pool_output_size follows torch's rule, ceil mode included") {
  // Values from torch.nn.functional.max_pool2d on the same sizes.
  CHECK(pool_output_size(5, 2, 0, 2, 1, false) == 2);
  CHECK(pool_output_size(5, 2, 0, 2, 1, true) == 3);
  CHECK(pool_output_size(6, 3, 1, 2, 1, true) == 4);
  CHECK(pool_output_size(5, 3, 1, 2, 1, true) == 3);
  CHECK(pool_output_size(5, 2, 1, 3, 1, true) == 2);  // the window that would start in the padding is dropped
  CHECK(pool_output_size(10, 3, 1, 3, 2, true) == 4);
  CHECK(pool_output_size(2, 3, 0, 1, 1, false) == 0);
}
