// Depthwise 3×3 convolution on blocks of channels (lanes = channels), for the small maps of MobileNetV2's
// last stages (14×14, 7×7), where a vector of consecutive pixels spans several rows and every tap needs
// a mask. Per sample and block of L channels: the input planes are transposed into a zero-bordered,
// channel-minor scratch plane ((H + 2·pad) × (W + 2·pad) pixels of L floats), so every tap of every
// output is one plain vector load and one FMA with the tap's weights (kept in 9 registers for the whole
// block); the outputs are transposed back. Backward-data is the same pass over gy with the kernel
// turned 180° (stride 1 only); backward-weight sums gy·x per tap in float vectors per sample, added into
// double totals per sample.
// Each depthwise_blocked_<isa>.cpp is compiled with its own -m flags and includes only this header and
// <immintrin.h> (the loops, written once, are in depthwise_blocked_simd.h).
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

// One sample's block: `channels` (≤ lanes) planes of H × W starting at x (planes `plane` floats apart, the
// next sample `sample` floats on), 3×3 taps at stride s with padding pad on every side.
struct DepthwiseBlock {
  int64_t H, W, Ho, Wo, stride, pad;
};

struct DepthwiseBlockedKernels {
  int64_t lanes;
  // Floats of scratch one call needs (the bordered input and the output block).
  int64_t (*scratch_floats)(const DepthwiseBlock& b);
  // y[n][c] = bias[c] + conv(x[n][c], w[c]) for the block's channels and `count` samples; w holds 9 taps
  // per channel, bias may be null.
  void (*forward)(const float* x, int64_t x_sample, const float* w, const float* bias, float* y, int64_t y_sample,
                  int64_t channels, int64_t count, const DepthwiseBlock& b, float* scratch);
  // gw[c][t] += Σ over the samples of gy·x at tap t (double totals, one per channel and tap), and
  // gb[c] += Σ gy when gb is not null.
  void (*weight)(const float* x, int64_t x_sample, const float* gy, int64_t gy_sample, int64_t channels, int64_t count,
                 const DepthwiseBlock& b, double* gw, double* gb, float* scratch);
};

extern const DepthwiseBlockedKernels kDepthwiseBlockedAvx2;
extern const DepthwiseBlockedKernels kDepthwiseBlockedAvx512;

}  // namespace thorax::kernels::cpu
