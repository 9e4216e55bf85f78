// Dropout on a dense array of n elements. Element i is kept when u_i > p, where
// u_i = uint_to_unit(philox4x32(base + i/4, 0, seed)[i % 4]) — the numbers Generator::uniform_ draws —
// so the mask is a pure function of (seed, base, i): the same on every device, version and thread
// count, and equal to rand(shape) > p drawn from the same generator state. Kept elements are scaled by
// 1/(1-p) so the expected output equals the input; p = 1 drops everything (scale 0, not 1/0).
//
// FLOPs: one Philox block (10 rounds) per 4 elements, 2 per element to apply. Limits: 0 <= p <= 1.
// Deterministic: no reductions.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

struct DropoutParams {
  double p = 0.5;
  uint64_t seed = 0;  // the generator's key
  uint64_t base = 0;  // the first counter, from Generator::reserve(n)
};

// The scale kept elements receive.
inline double dropout_scale(double p) { return p < 1.0 ? 1.0 / (1.0 - p) : 0.0; }

// Draws the mask (mask[i] = 1 kept, 0 dropped) and writes y = x * mask / (1 - p).
template <class T> using DropoutForwardFn = void (*)(const T* x, T* y, T* mask, int64_t n, DropoutParams p);
// out = v * mask / (1 - p): the backward (v = gy, out = gx) and the forward with a given mask.
// Backward contract: gx = d(sum(gy * y))/dx = gy * mask / (1 - p). Assigns.
template <class T> using DropoutApplyFn = void (*)(const T* mask, const T* v, T* out, int64_t n, double p);

struct DropoutKernel {
  DropoutForwardFn<float> forward;
  DropoutApplyFn<float> apply;
};
const Op<DropoutKernel>& dropout_op();

void describe_dropout(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
