// CPU attention, version "gemm_fused": per batch entry (in parallel), S = Q·Kᵀ by the registry's GEMM,
// one fused pass for the masked softmax (and lse), O = P·V by GEMM. The backward recomputes P from lse
// and uses three more GEMMs (dP = dO·Vᵀ, dQ = dS·K, dK = dSᵀ·Q, dV = Pᵀ·dO). Workspace: one Lq×Lk
// matrix per thread.
#pragma once
#include "kernels/attention.h"

namespace thorax::kernels::cpu {

void attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v, float* o, float* lse);
void attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* o,
                        const float* lse, const float* go, float* gq, float* gk, float* gv);

}  // namespace thorax::kernels::cpu
