// 2-d max and average pooling in CUDA (pool2d.cu), kernels/pool2d.h's definitions (torch's). Pointers are
// device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// NCHW dense; every (n, c) plane pooled on its own. Output (oh, ow) reads rows oh·stride_h − pad_h +
// ki·dilation_h (ki < kH), columns alike. The caller computes H_out, W_out (kernels::pool_output_size,
// ceil_mode included) and checks the parameters as kernels/pool2d.h says.
struct Pool2dShape {
  std::int64_t N = 1, C = 1, H = 1, W = 1, H_out = 1, W_out = 1;
  std::int64_t kH = 1, kW = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;  // max pooling only
  bool count_include_pad = true;                // avg pooling: divisor includes the padding taps
};

// y = max over the window; argmax = ih·W + iw of the first maximum in window order (a NaN wins), as torch's
// return_indices. Kernel: max_pool2d_forward_kernel (one thread per output, grid-stride).
void max_pool2d_forward(const float* x, float* y, std::int64_t* argmax, const Pool2dShape& p, LaunchShape shape = {});
// Backward contract: gx = d(sum(gy · max_pool2d(x)))/dx (gy summed into the argmax positions). Assigns gx.
// Kernel: max_pool2d_backward_kernel (one thread per input, gathering from the outputs whose window holds it:
// no atomics, deterministic).
void max_pool2d_backward(const float* gy, const std::int64_t* argmax, float* gx, const Pool2dShape& p,
                         LaunchShape shape = {});
// y = window sum / divisor. Kernel: avg_pool2d_forward_kernel (one thread per output).
void avg_pool2d_forward(const float* x, float* y, const Pool2dShape& p, LaunchShape shape = {});
// Backward contract: gx = d(sum(gy · avg_pool2d(x)))/dx. Assigns gx. Kernel: avg_pool2d_backward_kernel
// (one thread per input, gathering).
void avg_pool2d_backward(const float* gy, float* gx, const Pool2dShape& p, LaunchShape shape = {});

}  // namespace thorax::cuda
