// CPU NT-Xent, version "gemm_fused": the similarity matrix by the registry's CPU GEMM, then one fused
// pass per row (mask the diagonal, log-sum-exp, loss or dS) in parallel.
#pragma once
#include "kernels/nt_xent.h"

namespace thorax::kernels::cpu {

float nt_xent_forward(const float* z, int64_t n2, int64_t d, double tau);
void nt_xent_backward(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz);

}  // namespace thorax::kernels::cpu
