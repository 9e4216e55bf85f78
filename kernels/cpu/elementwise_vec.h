// CPU elementwise activations on the vector exp, versions "vec_avx2" and "vec_avx512" of exp, sigmoid, tanh and
// silu (the unary ops whose omp_simd version calls libm's scalar expf: SiLU alone was 36% of efficientnet_b0's
// training step). e^x as kernels/cpu/vec_<isa>.h computes it (within 2 ulp of libm's on [−87, 88]); sigmoid and tanh
// as in activation_simd.h. Threads over chunks as the omp_simd versions. Each elementwise_<isa>.cpp is compiled
// with its own -m flags (the loops, written once, are in elementwise_simd.h).
#pragma once
#include "kernels/elementwise.h"

namespace thorax::kernels::cpu {

// The ops with a vector version here (callable on any CPU, unlike the functions below).
constexpr bool has_unary_vec(UnaryOp op) {
  return op == UnaryOp::exp || op == UnaryOp::sigmoid || op == UnaryOp::tanh || op == UnaryOp::silu;
}
// Null for the ops without one. Call only on a CPU with the instruction set.
UnaryKernel unary_vec_avx2(UnaryOp op);
UnaryKernel unary_vec_avx512(UnaryOp op);

}  // namespace thorax::kernels::cpu
