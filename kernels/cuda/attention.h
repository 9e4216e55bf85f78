// Scaled dot-product attention in CUDA (attention.cu), kernels/attention.h's definition:
// O = softmax(Q·Kᵀ·scale [+ causal mask]) · V per batch entry. Pointers are device pointers (host pointers
// in the emulator).
#pragma once
#include <cstdint>

namespace thorax::cuda {

// q (B, Lq, d), k (B, Lk, d), v (B, Lk, dv), o (B, Lq, dv), lse (B, Lq), dense; B folds batch and heads.
// With `causal`, query i sees keys j <= i + (Lk − Lq) (Lk >= Lq, so every query sees a key).
struct AttentionShape {
  std::int64_t batch = 1, lq = 1, lk = 1, d = 1, dv = 1;
  float scale = 1.0f;
  bool causal = false;
};

// Writes o and lse (the log-sum-exp of each score row, for the backward). One warp per query row, `block`
// threads per block (a multiple of 32); each warp keeps its score row in shared memory: block/32 · Lk floats
// must fit in 48 KiB. Kernel attention_forward_kernel.
void attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v, float* o, float* lse,
                       unsigned block = 64);
// Backward contract: given go = dL/dO, assigns gq, gk, gv = dL/dQ, dL/dK, dL/dV, using the forward's o and
// lse (the probabilities are recomputed, never stored). `workspace`: B·Lq floats. Kernels
// attention_backward_query_kernel (one warp per query row: D_i and gq) and attention_backward_key_kernel
// (one warp per key row: gk and gv); shared memory block/32 · Lk and block/32 · 2·Lq floats.
void attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* o,
                        const float* lse, const float* go, float* gq, float* gk, float* gv, float* workspace,
                        unsigned block = 64);

}  // namespace thorax::cuda
