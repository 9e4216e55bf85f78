#include "nn/lstm.h"

#include <cmath>
#include <stdexcept>

namespace thorax::nn {

LSTM::LSTM(const LstmConfig& c) : cfg_(c) {
  if (c.input_size < 1 || c.hidden_size < 1 || c.num_layers < 1)
    throw std::invalid_argument("LSTM: input_size, hidden_size and num_layers must be positive");
  const int64_t H = c.hidden_size, D = c.bidirectional ? 2 : 1;
  for (int64_t layer = 0; layer < c.num_layers; ++layer)
    for (int64_t dir = 0; dir < D; ++dir) {
      const std::string suffix = "_l" + std::to_string(layer) + (dir == 1 ? "_reverse" : "");
      const int64_t in = layer == 0 ? c.input_size : D * H;
      LstmLayerWeights w;
      w.w_ih = register_parameter("weight_ih" + suffix, Tensor::zeros({4 * H, in}));
      w.w_hh = register_parameter("weight_hh" + suffix, Tensor::zeros({4 * H, H}));
      if (c.bias) {
        w.b_ih = register_parameter("bias_ih" + suffix, Tensor::zeros({4 * H}));
        w.b_hh = register_parameter("bias_hh" + suffix, Tensor::zeros({4 * H}));
      }
      w_.push_back(w);
    }
}

std::string LSTM::extra_repr() const {
  std::string s = std::to_string(cfg_.input_size) + ", " + std::to_string(cfg_.hidden_size);
  if (cfg_.num_layers != 1) s += ", num_layers=" + std::to_string(cfg_.num_layers);
  if (!cfg_.bias) s += ", bias=False";
  if (cfg_.batch_first) s += ", batch_first=True";
  if (cfg_.bidirectional) s += ", bidirectional=True";
  return s;
}

LstmOutput LSTM::forward_all(const Tensor& x, const Tensor& h0, const Tensor& c0) {
  if (x.dim() != 3 || x.size(2) != cfg_.input_size)
    throw std::invalid_argument("LSTM(" + extra_repr() + "): expects input " +
                                (cfg_.batch_first ? "(N, T, " : "(T, N, ") + std::to_string(cfg_.input_size) +
                                "), got " + shape_str(x.shape()));
  return lstm(x, w_, {cfg_.num_layers, cfg_.bidirectional, cfg_.batch_first}, h0, c0);
}

Tensor LSTM::forward(const Tensor& x) { return forward_all(x).output; }

int64_t LSTM::flops(const Shape& input, const Shape& output) const {
  // Per step, layer and direction: the input and hidden projections to the four gates.
  const int64_t steps_times_batch = input[0] * input[1], H = cfg_.hidden_size, D = cfg_.bidirectional ? 2 : 1;
  int64_t total = 0;
  for (int64_t layer = 0; layer < cfg_.num_layers; ++layer) {
    const int64_t in = layer == 0 ? cfg_.input_size : D * H;
    total += D * 2 * steps_times_batch * 4 * H * (in + H);
  }
  return total;
}

void LSTM::reset_own_parameters(Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(cfg_.hidden_size));
  for (auto& [name, p] : own_parameters()) {
    Tensor t = p;
    gen.uniform_(t, -bound, bound);
  }
}

}  // namespace thorax::nn
