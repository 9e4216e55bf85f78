// Softmax and log-softmax over the middle axis of an (outer, r, inner) layout, dense: x, y, gy and gx
// all have outer*r*inner elements and each of the outer*inner lines of r values (stride inner) is
// normalized on its own. Softmax over any dim of a contiguous tensor is this layout without a copy.
// Numerically stable: the line's maximum is subtracted before exp, so large inputs do not overflow.
//
// FLOPs: forward ~4 per element plus one exp (log_softmax: one log per line); backward ~4 per element
// (log_softmax: plus one exp). Limits: r >= 1.
// Determinism: each line is reduced by one thread in a fixed order; results do not depend on the thread
// count.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

enum class SoftmaxOp { softmax, log_softmax };
constexpr int kSoftmaxOpCount = 2;
const char* softmax_name(SoftmaxOp op);

template <class T> using SoftmaxForwardFn = void (*)(const T* x, T* y, int64_t outer, int64_t r, int64_t inner);
// Backward contract: gx = d(sum(gy * y))/dx from the forward output y alone, assigned:
// softmax gx = y * (gy - sum(gy * y)); log_softmax gx = gy - exp(y) * sum(gy), sums along the line.
template <class T>
using SoftmaxBackwardFn = void (*)(const T* y, const T* gy, T* gx, int64_t outer, int64_t r, int64_t inner);

struct SoftmaxKernel {
  SoftmaxForwardFn<float> forward;
  SoftmaxBackwardFn<float> backward;
};
const Op<SoftmaxKernel>& softmax_op(SoftmaxOp op);

void describe_softmax(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
