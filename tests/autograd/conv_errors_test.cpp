// The conv family's shape checks (autograd layer): the kernels trust their shapes, so these checks are
// all that stands between a wrong call and garbage, and their messages are what the user reads.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "autograd/conv.h"
#include "autograd/pool.h"
#include "autograd/upsample.h"

using namespace thorax;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

Tensor zeros(Shape s) { return Tensor::zeros(s); }

}  // namespace

TEST_CASE("conv2d and conv_transpose2d: shape errors say what to change") {
  CHECK(error_of([] { conv2d(zeros({1, 3, 8, 8}), zeros({5, 4, 3, 3})); }) ==
        "conv2d: input has 3 channels but weight expects 4 (groups=1)");
  CHECK(error_of([] { conv2d(zeros({1, 4, 8, 8}), zeros({6, 2, 3, 3}), Tensor(), {.groups = 3}); }) ==
        "conv2d: groups=3 does not divide the input's 4 channels");
  CHECK(error_of([] { conv2d(zeros({3, 8, 8}), zeros({5, 3, 3, 3})); }) ==
        "conv2d: input must be 4-d (N, C, H, W), got [3, 8, 8] (add the batch dim with unsqueeze(x, 0))");
  CHECK(error_of([] { conv2d(zeros({1, 3, 8, 8}), zeros({5, 3, 3, 3}), zeros({4})); }) ==
        "conv2d: bias must be 1-d with 5 elements (one per output channel), got [4]");
  CHECK(error_of([] { conv2d(zeros({1, 3, 4, 4}), zeros({5, 3, 3, 3}), Tensor(), {.dilation = {2, 2}}); }) ==
        "conv2d: the 3x3 kernel (dilation 2x2) does not fit the 4x4 input padded by 0x0");
  CHECK(error_of([] { conv2d(zeros({1, 3, 8, 8}), zeros({5, 3, 3, 3}), Tensor(), {.stride = {0, 1}}); }) ==
        "conv2d: stride must be at least 1, got 0x1");
  CHECK(error_of([] {
          conv_transpose2d(zeros({1, 2, 4, 4}), zeros({2, 3, 3, 3}), Tensor(), {.stride = {2, 2}, .output_padding = {2, 0}});
        }) == "conv_transpose2d: output_padding 2x0 must be non-negative and smaller than the stride 2x2");
  CHECK(error_of([] { conv_transpose2d(zeros({1, 3, 4, 4}), zeros({2, 3, 3, 3})); }) ==
        "conv_transpose2d: input has 3 channels but weight expects 2 (its first dim is the input channels)");
}

TEST_CASE("pooling and resampling: argument errors say what to change") {
  CHECK(error_of([] { max_pool2d(zeros({1, 1, 6, 6}), {3, 3}, {.padding = {2, 2}}); }) ==
        "max_pool2d: padding 2x2 must be between 0 and half the kernel size 3x3 (so that no window lies wholly in "
        "the padding)");
  CHECK(error_of([] { avg_pool2d(zeros({1, 1, 2, 2}), {3, 3}); }) ==
        "avg_pool2d: the 3x3 window (dilation 1x1) does not fit the 2x2 input padded by 0x0");
  CHECK(error_of([] { adaptive_avg_pool2d(zeros({1, 1, 4, 4}), {0, 2}); }) ==
        "adaptive_avg_pool2d: output size must be at least 1x1, got 0x2");
  CHECK(error_of([] { upsample_nearest(zeros({1, 1, 4, 4}), {}); }) ==
        "upsample_nearest: give either an output size or a scale factor, not neither");
  CHECK(error_of([] { upsample_nearest(zeros({1, 1, 4, 4}), {.size = {8, 8}, .align_corners = true}); }) ==
        "upsample_nearest: align_corners only applies to bilinear resampling");
  CHECK(error_of([] { upsample_bilinear(zeros({1, 1, 4, 4}), {.scale = {0.1, 0.1}}); }) ==
        "upsample_bilinear: the output would be 0x0 for input [1, 1, 4, 4]; it must be at least 1x1");
}
