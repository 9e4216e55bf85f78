// CPU NT-Xent, versions "fused_avx2" and "fused_avx512": the similarity matrix by the packed GEMM of the
// same instruction set (only its lower block triangle: S is symmetric, the rest is mirrored through
// register transposes), then one vectorized pass per row (kernels/cpu/nt_xent_rows.h: mask the diagonal,
// log-sum-exp with a vector exp, and for the gradient the softmax minus the positive written over S);
// for the gradient, dS + dSᵀ in place through L × L register transposes and one more GEMM, dẑ = (dS +
// dSᵀ)·ẑ/τ, then the projection through the normalization: two GEMMs for loss and gradient together.
// The products run on the packed GEMM's micro-kernel with ẑᵀ (then ẑ) packed once and S read in place.
// Threads: one parallel region; rows (normalization, row passes, projection), block rows (the products,
// dS + dSᵀ).
// Deterministic: the loss is summed row by row in order, every other value by one thread in a fixed order.
#pragma once
#include "kernels/nt_xent.h"

namespace thorax::kernels::cpu {

float nt_xent_forward_avx2(const float* z, int64_t n2, int64_t d, double tau);
float nt_xent_forward_backward_avx2(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz);
float nt_xent_forward_avx512(const float* z, int64_t n2, int64_t d, double tau);
float nt_xent_forward_backward_avx512(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz);

}  // namespace thorax::kernels::cpu
