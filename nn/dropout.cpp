#include "nn/dropout.h"

#include <sstream>
#include <stdexcept>

#include "autograd/dropout.h"
#include "autograd/elementwise.h"

namespace thorax::nn {

namespace {
void check_p(double p, const char* layer) {
  if (!(p >= 0.0 && p <= 1.0))
    throw std::invalid_argument(std::string(layer) + ": p is a probability and must be in [0, 1], got " +
                                std::to_string(p));
}
std::string p_repr(double p) {
  std::ostringstream s;
  s << "p=" << p;
  return s.str();
}
}  // namespace

Dropout::Dropout(double p, Generator* gen) : p_(p), gen_(gen) { check_p(p, "Dropout"); }
std::string Dropout::extra_repr() const { return p_repr(p_); }
Tensor Dropout::forward(const Tensor& x) { return dropout(x, p_, training(), gen_); }

StochasticDepth::StochasticDepth(double p, Generator* gen) : p_(p), gen_(gen) { check_p(p, "StochasticDepth"); }
std::string StochasticDepth::extra_repr() const { return p_repr(p_) + ", mode=row"; }

Tensor StochasticDepth::forward(const Tensor& x) {
  if (!training() || p_ == 0.0) return x;
  if (x.dim() < 1) throw std::invalid_argument("StochasticDepth: needs an input with a batch dim, got a scalar");
  Shape per_sample(static_cast<size_t>(x.dim()), 1);
  per_sample[0] = x.size(0);
  if (p_ == 1.0) return x * Tensor::zeros(per_sample, x.dtype());
  Tensor keep = rand(per_sample, x.dtype(), gen_);
  std::vector<double> v = keep.to_vector();
  for (double& k : v) k = k < 1.0 - p_ ? 1.0 / (1.0 - p_) : 0.0;  // Bernoulli(1 − p), pre-scaled
  return x * Tensor::from_vector(v, per_sample).to(x.dtype());
}

}  // namespace thorax::nn
