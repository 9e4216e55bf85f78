// CPU NT-Xent, version "gemm_fused": the similarity matrix by the registry's CPU GEMM, then one fused
// pass per row (mask the diagonal, log-sum-exp, loss or dS) in parallel, scalar exp; the gradient pass
// recomputes the similarities (three GEMMs for loss and gradient). Kept as the portable baseline; the
// vectorized two-GEMM versions are in kernels/cpu/nt_xent_fused.h.
#pragma once
#include "kernels/nt_xent.h"

namespace thorax::kernels::cpu {

float nt_xent_forward(const float* z, int64_t n2, int64_t d, double tau);
float nt_xent_forward_backward(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz);

}  // namespace thorax::kernels::cpu
