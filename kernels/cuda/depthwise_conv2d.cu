// Depthwise convolution (groups = C_in, C_out = multiplier · C_in): forward, backward-data,
// backward-weight. One version each.
//
// Layout: x (N, C_in, H, W), w (C_out, 1, kH, kW), y (N, C_out, H_out, W_out), NCHW dense; output channel co
// reads input channel co / multiplier only. FLOPs: 2·N·C_out·H_out·W_out·kH·kW per pass — kH·kW per output,
// too few to make a GEMM of, so these are direct loops: the forward gives each output to one thread;
// backward-data gives each input to one thread, which gathers from the outputs whose taps land on it (no
// atomics, as pool2d.cu's backwards); backward-weight has only C_out·kH·kW outputs, each a sum over
// N·H_out·W_out products, so it gives each weight a block and reduces with block_all_sum.
// Deterministic (no atomics). Limits: indices 64-bit; weights beyond 65535 blocks are looped over.
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/conv2d.h"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

__global__ void depthwise_conv2d_forward_kernel(const float* x, const float* w, const float* bias, float* y,
                                                Conv2dShape s) {
  const std::int64_t total = s.N * s.C_out * s.H_out * s.W_out, mult = s.C_out / s.C_in;
  for (std::int64_t o = detail::first_index(); o < total; o += detail::grid_stride()) {
    const std::int64_t ow = o % s.W_out, oh = o / s.W_out % s.H_out, co = o / (s.W_out * s.H_out) % s.C_out;
    const std::int64_t n = o / (s.W_out * s.H_out * s.C_out);
    const float* plane = x + (n * s.C_in + co / mult) * s.H * s.W;
    const float* wk = w + co * s.kH * s.kW;
    float acc = bias ? bias[co] : 0.0f;
    for (std::int64_t ki = 0; ki < s.kH; ++ki) {
      const std::int64_t ih = oh * s.stride_h - s.pad_h + ki * s.dilation_h;
      if (ih < 0 || ih >= s.H) continue;
      for (std::int64_t kj = 0; kj < s.kW; ++kj) {
        const std::int64_t iw = ow * s.stride_w - s.pad_w + kj * s.dilation_w;
        if (iw >= 0 && iw < s.W) acc += plane[ih * s.W + iw] * wk[ki * s.kW + kj];
      }
    }
    y[o] = acc;
  }
}

__global__ void depthwise_conv2d_backward_data_kernel(const float* gy, const float* w, float* gx, Conv2dShape s) {
  const std::int64_t total = s.N * s.C_in * s.H * s.W, mult = s.C_out / s.C_in;
  for (std::int64_t i = detail::first_index(); i < total; i += detail::grid_stride()) {
    const std::int64_t iw = i % s.W, ih = i / s.W % s.H, ci = i / (s.W * s.H) % s.C_in, n = i / (s.W * s.H * s.C_in);
    float acc = 0.0f;
    for (std::int64_t co = ci * mult; co < (ci + 1) * mult; ++co) {
      const float* g = gy + (n * s.C_out + co) * s.H_out * s.W_out;
      const float* wk = w + co * s.kH * s.kW;
      // Tap (ki, kj) of output (oh, ow) lands on (ih, iw) when oh·stride − pad + ki·dilation = ih.
      for (std::int64_t ki = 0; ki < s.kH; ++ki) {
        const std::int64_t th = ih + s.pad_h - ki * s.dilation_h;
        if (th < 0 || th % s.stride_h != 0 || th / s.stride_h >= s.H_out) continue;
        for (std::int64_t kj = 0; kj < s.kW; ++kj) {
          const std::int64_t tw = iw + s.pad_w - kj * s.dilation_w;
          if (tw < 0 || tw % s.stride_w != 0 || tw / s.stride_w >= s.W_out) continue;
          acc += g[th / s.stride_h * s.W_out + tw / s.stride_w] * wk[ki * s.kW + kj];
        }
      }
    }
    gx[i] = acc;
  }
}

// Block b computes weight b = (co, ki, kj) (weights beyond the grid taken in turn, uniformly per block).
__global__ void depthwise_conv2d_backward_weight_kernel(const float* x, const float* gy, float* gw, Conv2dShape s) {
  const std::int64_t taps = s.kH * s.kW, weights = s.C_out * taps, mult = s.C_out / s.C_in;
  const std::int64_t plane = s.H_out * s.W_out, M = s.N * plane;
  for (std::int64_t wi = blockIdx.x; wi < weights; wi += gridDim.x) {
    const std::int64_t co = wi / taps, ki = wi % taps / s.kW, kj = wi % s.kW;
    float acc = 0.0f;
    for (std::int64_t m = threadIdx.x; m < M; m += blockDim.x) {
      const std::int64_t n = m / plane, oh = m % plane / s.W_out, ow = m % s.W_out;
      const std::int64_t ih = oh * s.stride_h - s.pad_h + ki * s.dilation_h;
      const std::int64_t iw = ow * s.stride_w - s.pad_w + kj * s.dilation_w;
      if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
      acc += gy[(n * s.C_out + co) * plane + m % plane] * x[((n * s.C_in + co / mult) * s.H + ih) * s.W + iw];
    }
    acc = detail::block_all_sum(acc);
    if (threadIdx.x == 0) gw[wi] = acc;
  }
}

void depthwise_conv2d_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dShape& s,
                              LaunchShape shape) {
  launch(THORAX_KERNEL(depthwise_conv2d_forward_kernel), Dim3(detail::grid_for(s.N * s.C_out * s.H_out * s.W_out, shape)),
         Dim3(shape.block), 0, x, w, bias, y, s);
}

void depthwise_conv2d_backward_data(const float* gy, const float* w, float* gx, const Conv2dShape& s,
                                    LaunchShape shape) {
  launch(THORAX_KERNEL(depthwise_conv2d_backward_data_kernel), Dim3(detail::grid_for(s.N * s.C_in * s.H * s.W, shape)),
         Dim3(shape.block), 0, gy, w, gx, s);
}

void depthwise_conv2d_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dShape& s,
                                      unsigned block) {
  detail::require_whole_warps("depthwise_conv2d_backward_weight", block);
  launch(THORAX_KERNEL(depthwise_conv2d_backward_weight_kernel), Dim3(blocks_for(s.C_out * s.kH * s.kW, 1)),
         Dim3(block), 0, x, gy, gw, s);
  if (gb) conv2d_bias_backward(gy, gb, s, block);
}

}  // namespace thorax::cuda
