// 2-d convolution in CUDA (conv2d.cu: implicit GEMM; depthwise_conv2d.cu). Pointers are device pointers
// (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// NCHW dense: x (N, C_in, H, W), w (C_out, C_in, kH, kW) (depthwise: (C_out, 1, kH, kW)), y (N, C_out,
// H_out, W_out). Zero padding on both sides; groups = 1 (depthwise: groups = C_in, C_out a multiple of
// C_in). The caller computes H_out, W_out (kernels::Conv2dParams::H_out()).
struct Conv2dShape {
  std::int64_t N = 1, C_in = 1, H = 1, W = 1, C_out = 1, kH = 1, kW = 1;
  std::int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1;
  std::int64_t H_out = 1, W_out = 1;
};

// Implicit GEMM, tile x tile threads per block (tile 8 or 16), shared-memory tiles as sgemm_tiled.
// y = conv2d(x, w) + bias (bias may be null). Assigns y. Kernel conv2d_forward_implicit_gemm_kernel<tile>.
void conv2d_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dShape& s, int tile = 16);
// Backward contract: gx = d(sum(gy · conv2d(x, w)))/dx. Assigns gx.
// Kernel conv2d_backward_data_implicit_gemm_kernel<tile>.
void conv2d_backward_data(const float* gy, const float* w, float* gx, const Conv2dShape& s, int tile = 16);
// Backward contract: gw = d(sum(gy · conv2d(x, w)))/dw; gb = gy summed over N, H_out, W_out unless gb is
// null. Assigns both. Kernels conv2d_backward_weight_implicit_gemm_kernel<tile>, and conv2d_bias_backward_kernel
// (one block of `bias_block` threads per output channel, a multiple of 32).
void conv2d_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dShape& s, int tile = 16,
                            unsigned bias_block = 128);
// gb[co] = gy summed over N, H_out, W_out (any convolution's bias gradient). Assigns. Kernel
// conv2d_bias_backward_kernel: one block of `block` threads (a multiple of 32) per output channel.
void conv2d_bias_backward(const float* gy, float* gb, const Conv2dShape& s, unsigned block = 128);

// Depthwise: output channel co reads input channel co / (C_out / C_in) only.
// Kernel depthwise_conv2d_forward_kernel (one thread per output).
void depthwise_conv2d_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dShape& s,
                              LaunchShape shape = {});
// Assigns gx. Kernel depthwise_conv2d_backward_data_kernel (one thread per input, gathering).
void depthwise_conv2d_backward_data(const float* gy, const float* w, float* gx, const Conv2dShape& s,
                                    LaunchShape shape = {});
// Assigns gw (and gb unless null). Kernel depthwise_conv2d_backward_weight_kernel (one block of `block`
// threads, a multiple of 32, per weight), and conv2d_bias_backward_kernel for gb.
void depthwise_conv2d_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dShape& s,
                                      unsigned block = 128);

}  // namespace thorax::cuda
