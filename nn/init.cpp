#include "nn/init.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace thorax::nn::init {

Fans fans(const Tensor& w) {
  if (w.dim() < 2)
    throw std::invalid_argument("fan in/out need a weight with at least 2 dims (out, in, ...), got " + w.str());
  int64_t receptive = 1;
  for (int64_t d = 2; d < w.dim(); ++d) receptive *= w.size(d);
  return {w.size(1) * receptive, w.size(0) * receptive};
}

double gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "conv2d" || nonlinearity == "sigmoid") return 1.0;
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    double slope = param < 0 ? 0.01 : param;
    return std::sqrt(2.0 / (1.0 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4.0;
  throw std::invalid_argument("init gain: unknown nonlinearity '" + nonlinearity +
                              "' (known: linear, conv2d, sigmoid, tanh, relu, leaky_relu, selu)");
}

void constant(Tensor& t, double value) { t.fill(value); }
void uniform(Tensor& t, double lo, double hi, Generator& gen) { gen.uniform_(t, lo, hi); }
void normal(Tensor& t, double mean, double std, Generator& gen) { gen.normal_(t, mean, std); }

void trunc_normal(Tensor& t, double mean, double std, double lo, double hi, Generator& gen) {
  if (!(lo < hi)) throw std::invalid_argument("trunc_normal: the bounds must satisfy lo < hi");
  Tensor dense = Tensor::empty(t.shape(), DType::f64);
  gen.normal_(dense, mean, std);
  double* p = dense.data<double>();
  std::vector<int64_t> outside;
  for (int64_t i = 0; i < dense.numel(); ++i)
    if (p[i] < lo || p[i] > hi) outside.push_back(i);
  // Each round keeps the draws that landed inside; bounds within a few std of the mean finish quickly.
  for (int round = 0; !outside.empty(); ++round) {
    if (round == 1000)
      throw std::invalid_argument("trunc_normal: [lo, hi] holds almost none of Normal(mean, std); widen the bounds");
    Tensor redraw = Tensor::empty({static_cast<int64_t>(outside.size())}, DType::f64);
    gen.normal_(redraw, mean, std);
    const double* r = redraw.data<double>();
    std::vector<int64_t> still;
    for (size_t j = 0; j < outside.size(); ++j) {
      if (r[j] < lo || r[j] > hi) still.push_back(outside[j]);
      else p[outside[j]] = r[j];
    }
    outside.swap(still);
  }
  t.copy_from(dense);
}

static int64_t fan_of(const Tensor& w, FanMode mode) {
  Fans f = fans(w);
  int64_t fan = mode == FanMode::fan_in ? f.fan_in : f.fan_out;
  if (fan == 0) throw std::invalid_argument("kaiming init of an empty weight " + w.str());
  return fan;
}

void kaiming_normal(Tensor& w, FanMode mode, double g, Generator& gen) {
  gen.normal_(w, 0.0, g / std::sqrt(static_cast<double>(fan_of(w, mode))));
}

void kaiming_uniform(Tensor& w, FanMode mode, double g, Generator& gen) {
  double bound = g * std::sqrt(3.0 / static_cast<double>(fan_of(w, mode)));
  gen.uniform_(w, -bound, bound);
}

void xavier_uniform(Tensor& w, double g, Generator& gen) {
  Fans f = fans(w);
  double bound = g * std::sqrt(6.0 / static_cast<double>(f.fan_in + f.fan_out));
  gen.uniform_(w, -bound, bound);
}

void default_weight_and_bias(Tensor& weight, Tensor* bias, Generator& gen) {
  kaiming_uniform(weight, FanMode::fan_in, gain("leaky_relu", std::sqrt(5.0)), gen);
  if (bias && bias->defined()) {
    double bound = 1.0 / std::sqrt(static_cast<double>(fans(weight).fan_in));
    gen.uniform_(*bias, -bound, bound);
  }
}

}  // namespace thorax::nn::init
