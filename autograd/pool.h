// Differentiable 2-d pooling on NCHW tensors, as torch.nn.functional's. Pairs are (height, width).
#pragma once
#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace thorax {

struct MaxPool2dOptions {
  std::array<int64_t, 2> stride{0, 0};  // 0: the kernel size (torch's default)
  std::array<int64_t, 2> padding{0, 0};  // at most half the kernel; padded taps never win
  std::array<int64_t, 2> dilation{1, 1};
  bool ceil_mode = false;
};
// Largest value of each window. The gradient goes to the first maximum of each window (torch's rule), so
// at ties it is not the derivative of anything: keep inputs distinct where gradients matter.
Tensor max_pool2d(const Tensor& x, std::array<int64_t, 2> kernel, const MaxPool2dOptions& opt = {});

struct AvgPool2dOptions {
  std::array<int64_t, 2> stride{0, 0};  // 0: the kernel size
  std::array<int64_t, 2> padding{0, 0};  // at most half the kernel
  bool ceil_mode = false;
  bool count_include_pad = true;  // divide by the window area including the zero padding (torch's default)
};
Tensor avg_pool2d(const Tensor& x, std::array<int64_t, 2> kernel, const AvgPool2dOptions& opt = {});

// Mean over torch's adaptive bins: output row i averages input rows [floor(i·H/out), ceil((i+1)·H/out)).
Tensor adaptive_avg_pool2d(const Tensor& x, std::array<int64_t, 2> output_size);

}  // namespace thorax
