// Additive attention pooling (Bahdanau et al. 2015) over a sequence: each step h_t gets a score
// e_t = vᵀ tanh(W h_t + b), the weights a = softmax_t(e) sum to one over the sequence, and the output is
// Σ_t a_t h_t. Parameters: "proj" (W, b: dim → hidden) and "score" (v: hidden → 1, no bias).
#pragma once
#include <memory>

#include "nn/linear.h"

namespace thorax::nn {

class AttentionPool : public Module {
 public:
  AttentionPool(int64_t dim, int64_t hidden);
  std::string type_name() const override { return "AttentionPool"; }
  std::string extra_repr() const override;
  // (N, T, dim) -> (N, dim).
  Tensor forward(const Tensor& x) override;
  // The weights a: (N, T), each row summing to one.
  Tensor weights(const Tensor& x);
  // The weighted sum's products (the projections count as their own Linear layers).
  int64_t flops(const Shape& input, const Shape& output) const override;

  std::shared_ptr<Linear> proj, score;  // public so the gradient checks can swap in float64 weights
};

}  // namespace thorax::nn
