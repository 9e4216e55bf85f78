// CPU reductions: outputs split across threads; rows (inner == 1) reduced with SIMD lanes, columns
// (inner > 1) accumulated a whole inner row at a time so memory is read in order.
#pragma once
#include "kernels/reduce.h"

namespace thorax::kernels::cpu {

template <ReduceOp OP>
void reduce_forward(const float* x, float* y, int64_t outer, int64_t r, int64_t inner, ReduceParams p);
template <ReduceOp OP>
void reduce_backward(const float* x, const float* y, const float* gy, float* gx, int64_t outer, int64_t r,
                     int64_t inner, ReduceParams p);

}  // namespace thorax::kernels::cpu
