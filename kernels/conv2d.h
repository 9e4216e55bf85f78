// 2-d convolution (cross-correlation, as torch.nn.functional.conv2d), forward and both backwards.
//
// Layout: NCHW, dense row-major. x (N, C_in, H, W); w (C_out, C_in/groups, kH, kW); bias (C_out) or null;
// y (N, C_out, H_out, W_out) with H_out = (H + 2·pad_h − dilation_h·(kH−1) − 1) / stride_h + 1 (same for W).
// Output channel co reads the input channels of its group g = co / (C_out/groups).
// FLOPs (forward, and each backward): 2·N·C_out·H_out·W_out·(C_in/groups)·kH·kW.
// Limits: the caller checks the shapes (C_in and C_out divisible by groups, the dilated kernel fits in
// the padded input, H_out and W_out ≥ 1); kernels trust them.
// Determinism: every version sums each output in a fixed order that does not depend on the thread count.
//
// Depthwise convolution (groups == C_in, C_out = multiplier·C_in) is a separate op with the same
// signatures: see kernels/depthwise_conv2d.h.
#pragma once
#include <cstdint>

#include "kernels/cpu/cpu_features.h"
#include "kernels/registry.h"

namespace thorax::kernels {

struct Conv2dParams {
  int64_t N = 1, C_in = 1, H = 1, W = 1;
  int64_t C_out = 1, kH = 1, kW = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;  // zeros on both sides
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;

  int64_t H_out() const { return (H + 2 * pad_h - dilation_h * (kH - 1) - 1) / stride_h + 1; }
  int64_t W_out() const { return (W + 2 * pad_w - dilation_w * (kW - 1) - 1) / stride_w + 1; }
  double flops() const {
    return 2.0 * static_cast<double>(N * C_out * H_out() * W_out()) * static_cast<double>((C_in / groups) * kH * kW);
  }
};

// y = conv2d(x, w) + bias (bias may be null). Assigns y.
template <class T>
using Conv2dForwardFn = void (*)(const T* x, const T* w, const T* bias, T* y, const Conv2dParams& p);
// Backward contract: gx = d(sum(gy · conv2d(x, w)))/dx (the transposed convolution of gy). Assigns gx.
template <class T> using Conv2dBackwardDataFn = void (*)(const T* gy, const T* w, T* gx, const Conv2dParams& p);
// Backward contract: gw = d(sum(gy · conv2d(x, w)))/dw, and gb = gy summed over N, H_out, W_out unless gb
// is null. Assigns both.
template <class T>
using Conv2dBackwardWeightFn = void (*)(const T* x, const T* gy, T* gw, T* gb, const Conv2dParams& p);

template <class T> struct Conv2dKernels {
  Conv2dForwardFn<T> forward;
  Conv2dBackwardDataFn<T> backward_data;
  Conv2dBackwardWeightFn<T> backward_weight;
};
using Conv2dKernel = Conv2dKernels<float>;

// The table for a CPU with features `f`: versions it cannot run are left out (named in `unavailable`).
Op<Conv2dKernel> make_conv2d_op(const cpu::CpuFeatures& f);
// The table for this CPU, built on first use.
const Op<Conv2dKernel>& conv2d_op();
void describe_conv2d(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
