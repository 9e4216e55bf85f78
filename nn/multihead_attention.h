// MultiheadAttention: PyTorch's nn.MultiheadAttention with batch_first=True and equal query/key/value
// sizes, over thorax::multi_head_attention. Parameter names as PyTorch: "in_proj_weight" (3E, E),
// "in_proj_bias" (3E), "out_proj.weight", "out_proj.bias".
#pragma once
#include <memory>

#include "nn/linear.h"

namespace thorax::nn {

class MultiheadAttention : public Module {
 public:
  MultiheadAttention(int64_t embed_dim, int64_t num_heads, bool bias = true);
  std::string type_name() const override { return "MultiheadAttention"; }
  std::string extra_repr() const override;
  // Self-attention: forward(x, x, x).
  Tensor forward(const Tensor& x) override;
  // query (N, Lq, E), key and value (N, Lk, E) -> (N, Lq, E).
  Tensor forward(const Tensor& query, const Tensor& key, const Tensor& value, bool causal = false);
  int64_t flops(const Shape& input, const Shape& output) const override;
  // PyTorch's _reset_parameters: xavier_uniform in_proj_weight, zero biases, default out_proj weight.
  void reset_own_parameters(Generator& gen) override;

  Tensor in_proj_weight, in_proj_bias;
  std::shared_ptr<Linear> out_proj;

 private:
  int64_t e_, heads_;
};

}  // namespace thorax::nn
