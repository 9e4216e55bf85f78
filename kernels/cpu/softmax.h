// CPU softmax and log-softmax: lines split across threads. Rows (inner == 1) are reduced with SIMD lanes;
// otherwise a block of adjacent lines is processed together, one inner stretch at a time, so memory is
// read in order.
#pragma once
#include "kernels/softmax.h"

namespace thorax::kernels::cpu {

template <SoftmaxOp OP> void softmax_forward(const float* x, float* y, int64_t outer, int64_t r, int64_t inner);
template <SoftmaxOp OP>
void softmax_backward(const float* y, const float* gy, float* gx, int64_t outer, int64_t r, int64_t inner);

}  // namespace thorax::kernels::cpu
