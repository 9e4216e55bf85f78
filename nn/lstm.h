// LSTM: PyTorch's nn.LSTM over thorax::lstm, with its parameter names: weight_ih_l{k}, weight_hh_l{k},
// bias_ih_l{k}, bias_hh_l{k}, and the same with the suffix "_reverse" for the backward direction.
#pragma once
#include <vector>

#include "autograd/lstm.h"
#include "nn/module.h"

namespace thorax::nn {

struct LstmConfig {
  int64_t input_size = 0, hidden_size = 0;
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  bool bidirectional = false;
};

class LSTM : public Module {
 public:
  explicit LSTM(const LstmConfig& config);
  std::string type_name() const override { return "LSTM"; }
  std::string extra_repr() const override;
  // The last layer's hidden states for every step: (T, N, D·H), or (N, T, D·H) when batch_first.
  Tensor forward(const Tensor& x) override;
  // Everything nn.LSTM returns; h0 and c0 are (layers·D, N, H) or undefined (zeros).
  LstmOutput forward_all(const Tensor& x, const Tensor& h0 = Tensor(), const Tensor& c0 = Tensor());
  int64_t flops(const Shape& input, const Shape& output) const override;
  // PyTorch's init: every weight and bias uniform in ±1/sqrt(hidden_size).
  void reset_own_parameters(Generator& gen) override;

  const LstmConfig& config() const { return cfg_; }
  const std::vector<LstmLayerWeights>& weights() const { return w_; }

 private:
  LstmConfig cfg_;
  std::vector<LstmLayerWeights> w_;  // layers·D, layer by layer, forward before reverse
};

}  // namespace thorax::nn
