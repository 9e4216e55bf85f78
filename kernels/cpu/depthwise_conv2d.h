// CPU depthwise convolution, version "direct": no unfolding; each (sample, channel) plane is one task
// (OpenMP over N·C). Loops run along the output row, clipped beforehand to the columns whose taps land
// inside the input, so inner loops carry no bounds test and vectorize (contiguous at stride 1). In the
// forward pass, 3×3, 5×5 and 7×7 kernels sum all their taps in registers over the interior of the image
// (compile-time tap loops); borders and other sizes add one tap at a time. The weight gradient is one
// task per output channel, summed over the batch in order.
#pragma once
#include "kernels/depthwise_conv2d.h"

namespace thorax::kernels::cpu {

void depthwise_conv2d_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p);
void depthwise_conv2d_backward_data(const float* gy, const float* w, float* gx, const Conv2dParams& p);
void depthwise_conv2d_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p);

}  // namespace thorax::kernels::cpu
