// Differentiable 2-d convolutions on NCHW tensors, as torch.nn.functional.conv2d / conv_transpose2d.
// Pairs are (height, width). Gradients flow to the input, the weight and the bias.
#pragma once
#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace thorax {

struct Conv2dOptions {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};  // zeros on both sides
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

// x (N, C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out) or undefined.
// Returns (N, C_out, H_out, W_out), H_out = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1.
// Depthwise convolutions (groups == C_in > 1) run the dedicated depthwise kernel, the rest im2col + GEMM.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(), const Conv2dOptions& opt = {});

struct ConvTranspose2dOptions {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> output_padding{0, 0};  // rows/columns added at the bottom/right; < stride
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

// The adjoint of conv2d in its input (the gradient of conv2d with respect to x), plus a bias.
// x (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW) (torch's layout), bias (C_out) or undefined.
// Returns (N, C_out, H_out, W_out), H_out = (H − 1)·stride − 2·padding + dilation·(kH − 1) + output_padding + 1.
// Limit: output_padding must be smaller than the stride (torch also allows it below the dilation).
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
                        const ConvTranspose2dOptions& opt = {});

}  // namespace thorax
