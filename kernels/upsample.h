// 2-d resampling as torch.nn.functional.interpolate: upsample_nearest (mode 'nearest', torch's legacy
// rule) and upsample_bilinear (mode 'bilinear', align_corners false or true). Despite the names, any
// output size works, smaller than the input included.
//
// Layout: NCHW, dense row-major; x (N, C, H, W), y (N, C, H_out, W_out); every (n, c) plane on its own.
// FLOPs: nearest, none (a gather); bilinear, 7 per output (4 multiplies, 3 adds), as many in backward.
// Limits: H, W, H_out, W_out ≥ 1 (checked by the caller).
// Determinism: the backwards scatter-add within a plane on one thread, in a fixed order; no atomics.
//
// The source-index rules below are the op's definition, shared by every version so that they agree by
// construction; the PyTorch parity test checks the rules themselves.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

struct Upsample2dParams {
  int64_t N = 1, C = 1, H = 1, W = 1, H_out = 1, W_out = 1;
  // The caller's scale factors, or 0 when it gave an output size. torch maps indices with 1/scale when a
  // scale was given and with in/out otherwise; the two differ when in·scale is not a whole number.
  double scale_h = 0, scale_w = 0;
  bool align_corners = false;  // bilinear only
};

// Nearest: src = min(floor(dst · s), in − 1) with s = 1/scale or in/out, computed in float as torch does
// (the exact-multiple shortcuts are torch's too, and differ from the float formula for scales like 2.0000001).
inline int64_t nearest_source(int64_t dst, int64_t in, int64_t out, double scale) {
  if (out == in) return dst;
  if (out == 2 * in) return dst >> 1;
  const float s = scale > 0 ? static_cast<float>(1.0 / scale) : static_cast<float>(in) / static_cast<float>(out);
  return std::min(static_cast<int64_t>(std::floor(static_cast<float>(dst) * s)), in - 1);
}

// Bilinear, one axis: output dst reads inputs i0 and i1 with weights w0 and w1 (i1 == i0 at the last row).
// align_corners: src = dst·(in−1)/(out−1); otherwise src = (dst + ½)·s − ½ clamped at 0, s as for nearest.
template <class T> struct LinearTap {
  int64_t i0, i1;
  T w0, w1;
};
template <class T> LinearTap<T> linear_source(int64_t dst, int64_t in, int64_t out, double scale, bool align_corners) {
  T src;
  if (align_corners) {
    const T s = out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
    src = s * static_cast<T>(dst);
  } else {
    const T s = scale > 0 ? static_cast<T>(1.0 / scale) : static_cast<T>(in) / static_cast<T>(out);
    src = std::max(s * (static_cast<T>(dst) + T(0.5)) - T(0.5), T(0));
  }
  const int64_t i0 = std::min(static_cast<int64_t>(src), in - 1);  // src ≥ 0: truncation is floor
  const T w1 = std::clamp(src - static_cast<T>(i0), T(0), T(1));
  return {i0, i0 + (i0 < in - 1 ? 1 : 0), T(1) - w1, w1};
}

template <class T> using Upsample2dForwardFn = void (*)(const T* x, T* y, const Upsample2dParams& p);
// Backward contract: gx = d(sum(gy · upsample(x)))/dx (each gy added to the inputs it was read from,
// times their weights). Assigns gx.
template <class T> using Upsample2dBackwardFn = void (*)(const T* gy, T* gx, const Upsample2dParams& p);
template <class T> struct Upsample2dKernels {
  Upsample2dForwardFn<T> forward;
  Upsample2dBackwardFn<T> backward;
};

const Op<Upsample2dKernels<float>>& upsample_nearest_op();
const Op<Upsample2dKernels<float>>& upsample_bilinear_op();
void describe_upsample(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
