// Differentiable 2-d resampling on NCHW tensors, as torch.nn.functional.interpolate with mode 'nearest'
// or 'bilinear'. Any output size works, smaller than the input included.
#pragma once
#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace thorax {

// Give exactly one of size and scale. With a scale the output is floor(in · scale) and, as in torch,
// source positions are computed with 1/scale rather than in/out.
struct Upsample2dOptions {
  std::array<int64_t, 2> size{0, 0};     // output (H, W)
  std::array<double, 2> scale{0.0, 0.0};  // scale factors (H, W)
  bool align_corners = false;             // bilinear only: corner pixels' centres map onto each other
};

// Each output copies the input at floor(dst · in/out) (torch's legacy 'nearest').
Tensor upsample_nearest(const Tensor& x, const Upsample2dOptions& opt);
// Each output interpolates the 2×2 inputs around its source position.
Tensor upsample_bilinear(const Tensor& x, const Upsample2dOptions& opt);

}  // namespace thorax
