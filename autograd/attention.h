// Differentiable attention: the fused scaled dot-product kernel, and multi-head attention built on it
// (PyTorch's nn.MultiheadAttention parameterization, batch-first).
#pragma once
#include "tensor/tensor.h"

namespace thorax {

// q (..., Lq, d), k (..., Lk, d), v (..., Lk, dv) with equal leading dims (batch, heads).
// scale 0 means 1/sqrt(d). With causal, query i sees keys j <= i + (Lk - Lq).
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, bool causal = false,
                                    double scale = 0.0);

struct MultiHeadAttentionWeights {
  Tensor in_proj_weight;   // (3E, E): query, key, value projections stacked, as PyTorch stores them
  Tensor in_proj_bias;     // (3E) or undefined
  Tensor out_proj_weight;  // (E, E)
  Tensor out_proj_bias;    // (E) or undefined
};

// query (N, Lq, E), key and value (N, Lk, E); returns (N, Lq, E).
Tensor multi_head_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                            const MultiHeadAttentionWeights& w, int64_t num_heads, bool causal = false);

}  // namespace thorax
