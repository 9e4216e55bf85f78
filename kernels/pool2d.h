// 2-d pooling: max_pool2d, avg_pool2d and adaptive_avg_pool2d, forward and backward, as torch's.
//
// Layout: NCHW, dense row-major; every (n, c) plane is pooled on its own. x (N, C, H, W), y (N, C, H_out, W_out).
// Window of output (oh, ow): rows oh·stride_h − pad_h + ki·dilation_h for ki < kH (columns alike); taps on
// the padding are skipped by max and count as zeros for avg when count_include_pad.
// FLOPs: max and avg, N·C·H_out·W_out·kH·kW compares/adds; adaptive avg, N·C·(sum of its window areas).
// Limits: the caller checks kernel ≥ 1, stride ≥ 1, dilation ≥ 1, 0 ≤ pad ≤ kernel/2 (torch's rule, so no
// window lies wholly in the padding) and H_out, W_out ≥ 1; kernels trust them.
// Determinism: no atomics; each output and each gradient plane is written by one thread in a fixed order.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

// torch's pooling_output_shape: floor (or ceil) of the window count; in ceil mode a last window that
// would start in the right padding is dropped.
inline int64_t pool_output_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  const int64_t span = in + 2 * pad - dilation * (k - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? span + stride - 1 : span) / stride + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

struct Pool2dParams {
  int64_t N = 1, C = 1, H = 1, W = 1;
  int64_t kH = 1, kW = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;  // max_pool2d only (avg_pool2d has none in torch)
  bool ceil_mode = false;
  bool count_include_pad = true;  // avg_pool2d: divide by the window area including padding (torch's default)

  int64_t H_out() const { return pool_output_size(H, kH, pad_h, stride_h, dilation_h, ceil_mode); }
  int64_t W_out() const { return pool_output_size(W, kW, pad_w, stride_w, dilation_w, ceil_mode); }
};

// ---- max_pool2d. argmax (N, C, H_out, W_out) receives, per output, the index ih·W + iw of the chosen input
// in its plane (as torch's return_indices): the first maximum in window order (ki, then kj), a NaN winning.
template <class T>
using MaxPool2dForwardFn = void (*)(const T* x, T* y, int64_t* argmax, const Pool2dParams& p);
// Backward contract: gx = d(sum(gy · max_pool2d(x)))/dx, i.e. gy scattered to the argmax positions
// (summed where windows overlap on the same maximum). Assigns gx (zeroes it, then accumulates).
template <class T>
using MaxPool2dBackwardFn = void (*)(const T* gy, const int64_t* argmax, T* gx, const Pool2dParams& p);
template <class T> struct MaxPool2dKernels {
  MaxPool2dForwardFn<T> forward;
  MaxPool2dBackwardFn<T> backward;
};
const Op<MaxPool2dKernels<float>>& max_pool2d_op();

// ---- avg_pool2d: the window sum divided by the window area (clipped to the padded input; with
// count_include_pad false, clipped to the input itself).
template <class T> using AvgPool2dForwardFn = void (*)(const T* x, T* y, const Pool2dParams& p);
// Backward contract: gx = d(sum(gy · avg_pool2d(x)))/dx (each gy spread evenly over its window's inputs).
// Assigns gx.
template <class T> using AvgPool2dBackwardFn = void (*)(const T* gy, T* gx, const Pool2dParams& p);
template <class T> struct AvgPool2dKernels {
  AvgPool2dForwardFn<T> forward;
  AvgPool2dBackwardFn<T> backward;
};
const Op<AvgPool2dKernels<float>>& avg_pool2d_op();

// ---- adaptive_avg_pool2d: output (oh, ow) averages rows [floor(oh·H/H_out), ceil((oh+1)·H/H_out)) and the
// columns alike (torch's bins; neighbouring bins may overlap by one row when H_out does not divide H).
struct AdaptivePool2dParams {
  int64_t N = 1, C = 1, H = 1, W = 1, H_out = 1, W_out = 1;
};
inline int64_t adaptive_start(int64_t o, int64_t in, int64_t out) { return (o * in) / out; }
inline int64_t adaptive_end(int64_t o, int64_t in, int64_t out) { return ((o + 1) * in + out - 1) / out; }
template <class T> using AdaptiveAvgPool2dForwardFn = void (*)(const T* x, T* y, const AdaptivePool2dParams& p);
// Backward contract: gx = d(sum(gy · adaptive_avg_pool2d(x)))/dx. Assigns gx.
template <class T> using AdaptiveAvgPool2dBackwardFn = void (*)(const T* gy, T* gx, const AdaptivePool2dParams& p);
template <class T> struct AdaptiveAvgPool2dKernels {
  AdaptiveAvgPool2dForwardFn<T> forward;
  AdaptiveAvgPool2dBackwardFn<T> backward;
};
const Op<AdaptiveAvgPool2dKernels<float>>& adaptive_avg_pool2d_op();

void describe_pool2d(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
