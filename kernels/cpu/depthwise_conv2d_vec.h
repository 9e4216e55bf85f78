// CPU depthwise convolution, versions "vec_avx2" and "vec_avx512": stride-1 "same" convolutions (odd
// kernels up to 7×7, pad = (k − 1) / 2, dilation 1 — every stride-1 depthwise layer of MobileNetV2 and
// EfficientNet) run the flattened-plane vector loops of kernels/cpu/depthwise_plane.h: a vector of 8 or
// 16 consecutive outputs, across row ends, per load, so 7×7 and 14×14 planes fill their lanes too.
// Backward-data is the same loop with the kernel turned 180° (for "same" padding the transposed
// convolution is a convolution), summed over the channel multiplier; backward-weight sums gy·x per tap
// in float vectors over the batch, flushed into double totals every 256 vectors. 3×3 stride-2 padding-1 layers (the
// downsampling ones) run row-by-row loops that split each input row into even and odd columns.
// 3×3 layers with one filter per channel on maps up to 28×28 at stride 1, 14×14 at stride 2 (padding
// ≤ 2) run channel-blocked loops instead (kernels/cpu/depthwise_blocked.h): there a vector of
// consecutive pixels spans rows, and masks on most taps cost more than transposing blocks of channels
// to pixel-major order.
// Other shapes (other strides, dilation, even kernels) go to the "direct" version
// (kernels/cpu/depthwise_conv2d.h).
// Threads: one task per plane (large maps), per channel (the batch's planes of it, sharing its kernel
// taps: small maps), or per block of channels; each summed in a fixed order: deterministic. FLOPs: those
// of kernels/depthwise_conv2d.h.
#pragma once
#include "kernels/cpu/depthwise_plane.h"
#include "kernels/depthwise_conv2d.h"

namespace thorax::kernels::cpu {

// True when a stride-1 shape runs the flattened-plane loops.
bool depthwise_vectorizable(const Conv2dParams& p);

void depthwise_conv2d_forward_avx2(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p);
void depthwise_conv2d_backward_data_avx2(const float* gy, const float* w, float* gx, const Conv2dParams& p);
void depthwise_conv2d_backward_weight_avx2(const float* x, const float* gy, float* gw, float* gb,
                                           const Conv2dParams& p);
void depthwise_conv2d_forward_avx512(const float* x, const float* w, const float* bias, float* y,
                                     const Conv2dParams& p);
void depthwise_conv2d_backward_data_avx512(const float* gy, const float* w, float* gx, const Conv2dParams& p);
void depthwise_conv2d_backward_weight_avx512(const float* x, const float* gy, float* gw, float* gb,
                                             const Conv2dParams& p);

}  // namespace thorax::kernels::cpu
