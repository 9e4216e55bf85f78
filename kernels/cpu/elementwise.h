// CPU elementwise kernels: the reference math, looped in parallel chunks (OpenMP) with loops the
// compiler vectorizes. Broadcasting binary ops run a dense inner loop along the last dimension.
#pragma once
#include "kernels/elementwise.h"

namespace thorax::kernels::cpu {

template <UnaryOp OP> void unary_forward(const float* x, float* y, int64_t n, UnaryParams p);
template <UnaryOp OP>
void unary_backward(const float* x, const float* y, const float* gy, float* gx, int64_t n, UnaryParams p);
template <BinaryOp OP> void binary(const BinaryArgs<float>& g);

}  // namespace thorax::kernels::cpu
