// Scaled dot-product attention, fused: O = softmax(Q·Kᵀ·scale [+ causal mask]) · V, per batch entry.
//
// Layout: q (B, Lq, d), k (B, Lk, d), v (B, Lk, dv), o (B, Lq, dv), all dense; B folds batch and heads.
// The forward also writes lse (B, Lq), the log-sum-exp of each score row, so the backward recomputes the
// probabilities P = exp(S − lse) instead of storing the (Lq × Lk) matrix (the flash-attention idea).
// With `causal`, query i sees keys j ≤ i + (Lk − Lq). FLOPs: forward 2·B·Lq·Lk·(d + dv); backward about
// twice that. Deterministic.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

struct AttentionShape {
  int64_t batch = 1, lq = 1, lk = 1, d = 1, dv = 1;
  double scale = 1.0;
  bool causal = false;
};

template <class T>
using AttentionForwardFn = void (*)(const AttentionShape& s, const T* q, const T* k, const T* v, T* o, T* lse);
// Backward contract: given go = dL/dO, assigns gq, gk, gv = dL/dQ, dL/dK, dL/dV, using the forward's o and lse.
template <class T>
using AttentionBackwardFn = void (*)(const AttentionShape& s, const T* q, const T* k, const T* v, const T* o,
                                     const T* lse, const T* go, T* gq, T* gk, T* gv);

struct AttentionKernel {
  AttentionForwardFn<float> forward;
  AttentionBackwardFn<float> backward;
};
const Op<AttentionKernel>& attention_op();

void describe_attention(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
