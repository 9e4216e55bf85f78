// Differentiable LSTM (multi-layer, optionally bidirectional), PyTorch's nn.LSTM semantics and weight
// layout. Each layer and direction is one graph node running the lstm_layer kernel (kernels/lstm.h):
// one GEMM projects the inputs of all time steps at once; each step then does one GEMM (h·W_hhᵀ, the
// weights packed once) and one fused cell kernel; the backward runs the steps in reverse and the weight
// and input gradients as three GEMMs over all steps.
#pragma once
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace thorax {

// One layer in one direction: PyTorch's weight_ih_l{k}[_reverse] (4H, I), weight_hh_l{k} (4H, H),
// bias_ih_l{k} and bias_hh_l{k} (4H, either may be undefined). Gate order: input, forget, cell, output.
struct LstmLayerWeights {
  Tensor w_ih, w_hh, b_ih, b_hh;
};

struct LstmOptions {
  int64_t num_layers = 1;
  bool bidirectional = false;
  bool batch_first = false;  // x is (N, T, I) instead of (T, N, I)
};

struct LstmOutput {
  Tensor output;  // (T, N, D·H) or (N, T, D·H): the last layer's hidden states
  Tensor h_n;     // (layers·D, N, H): final hidden state of every layer and direction
  Tensor c_n;     // (layers·D, N, H): final cell state
};

// `weights` holds layers·D entries ordered layer by layer, forward before reverse (PyTorch's order).
// h0 and c0: (layers·D, N, H) or undefined (zeros).
LstmOutput lstm(const Tensor& x, const std::vector<LstmLayerWeights>& weights, const LstmOptions& opt = {},
                const Tensor& h0 = Tensor(), const Tensor& c0 = Tensor());

// One fused step: gates (N, 4H) pre-activations and c_prev (N, H) -> (h, c).
std::pair<Tensor, Tensor> lstm_cell(const Tensor& gates, const Tensor& c_prev);

}  // namespace thorax
