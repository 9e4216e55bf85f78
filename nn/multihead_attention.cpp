#include "nn/multihead_attention.h"

#include <stdexcept>

#include "autograd/attention.h"
#include "nn/init.h"

namespace thorax::nn {

MultiheadAttention::MultiheadAttention(int64_t embed_dim, int64_t num_heads, bool bias) : e_(embed_dim), heads_(num_heads) {
  if (embed_dim < 1 || num_heads < 1 || embed_dim % num_heads != 0)
    throw std::invalid_argument("MultiheadAttention: embed_dim (" + std::to_string(embed_dim) +
                                ") must be a positive multiple of num_heads (" + std::to_string(num_heads) + ")");
  in_proj_weight = register_parameter("in_proj_weight", Tensor::zeros({3 * e_, e_}));
  if (bias) in_proj_bias = register_parameter("in_proj_bias", Tensor::zeros({3 * e_}));
  out_proj = register_module("out_proj", std::make_shared<Linear>(e_, e_, bias));
}

std::string MultiheadAttention::extra_repr() const {
  return "embed_dim=" + std::to_string(e_) + ", num_heads=" + std::to_string(heads_);
}

Tensor MultiheadAttention::forward(const Tensor& x) { return forward(x, x, x); }

Tensor MultiheadAttention::forward(const Tensor& q, const Tensor& k, const Tensor& v, bool causal) {
  for (const Tensor* t : {&q, &k, &v})
    if (t->dim() != 3 || t->size(2) != e_)
      throw std::invalid_argument("MultiheadAttention(" + extra_repr() + "): query, key and value must be (N, L, " +
                                  std::to_string(e_) + "), got " + shape_str(t->shape()));
  MultiHeadAttentionWeights w{in_proj_weight, in_proj_bias, out_proj->weight, out_proj->bias};
  return multi_head_attention(q, k, v, w, heads_, causal);
}

int64_t MultiheadAttention::flops(const Shape& input, const Shape& output) const {
  // Self-attention: the q/k/v and output projections, plus QKᵀ and the weighted sum of V.
  const int64_t N = input[0], L = input[1];
  return 2 * N * L * e_ * (3 * e_ + e_) + 2 * 2 * N * L * L * e_;
}

void MultiheadAttention::reset_own_parameters(Generator& gen) {
  init::xavier_uniform(in_proj_weight, 1.0, gen);
  if (in_proj_bias.defined()) in_proj_bias.fill(0.0);
  if (out_proj->bias.defined()) out_proj->bias.fill(0.0);
}

}  // namespace thorax::nn
