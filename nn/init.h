// Weight initializers with PyTorch's definitions (torch.nn.init), drawing from a thorax Generator.
// The distributions match PyTorch's; the values do not (a different random stream), which is why parity
// tests load PyTorch's weights rather than re-draw them.
#pragma once
#include <string>

#include "tensor/rng.h"
#include "tensor/tensor.h"

namespace thorax::nn::init {

// torch's _calculate_fan_in_and_fan_out: for a weight (out, in, k...) fan_in = in·Πk, fan_out = out·Πk.
struct Fans {
  int64_t fan_in = 0, fan_out = 0;
};
Fans fans(const Tensor& weight);

enum class FanMode { fan_in, fan_out };

// torch.nn.init.calculate_gain for "linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu" (param =
// negative slope, torch's default 0.01 when given as -1) and "selu".
double gain(const std::string& nonlinearity, double param = -1.0);

void constant(Tensor& t, double value);
void uniform(Tensor& t, double lo, double hi, Generator& gen);
void normal(Tensor& t, double mean, double std, Generator& gen);
// Normal(mean, std) restricted to [lo, hi] (absolute bounds, as torch's trunc_normal_), by redrawing.
void trunc_normal(Tensor& t, double mean, double std, double lo, double hi, Generator& gen);
// std = gain / sqrt(fan); torch's default gain here is that of leaky_relu with slope 0, i.e. sqrt(2).
void kaiming_normal(Tensor& w, FanMode mode, double gain, Generator& gen);
// bound = gain · sqrt(3 / fan). PyTorch's default Linear/Conv init is gain("leaky_relu", sqrt(5)), fan_in.
void kaiming_uniform(Tensor& w, FanMode mode, double gain, Generator& gen);
// bound = gain · sqrt(6 / (fan_in + fan_out)).
void xavier_uniform(Tensor& w, double gain, Generator& gen);

// What nn.Linear and nn.Conv2d do in reset_parameters(): kaiming_uniform with a = sqrt(5) for the
// weight, and the bias uniform in ±1/sqrt(fan_in).
void default_weight_and_bias(Tensor& weight, Tensor* bias, Generator& gen);

}  // namespace thorax::nn::init
