// Dropout (PyTorch's nn.Dropout) and StochasticDepth (torchvision.ops.StochasticDepth, "row" mode: whole
// samples of a residual branch are dropped). Both are the identity in eval mode. Masks come from the
// generator given (the default generator when none), so a seeded run repeats exactly.
#pragma once
#include "nn/module.h"

namespace thorax::nn {

class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5, Generator* gen = nullptr);
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;
  double p() const { return p_; }
  void set_generator(Generator* gen) { gen_ = gen; }

 private:
  double p_;
  Generator* gen_;
};

class StochasticDepth : public Module {
 public:
  explicit StochasticDepth(double p, Generator* gen = nullptr);
  std::string type_name() const override { return "StochasticDepth"; }
  std::string extra_repr() const override;
  // x (N, ...): each sample is kept with probability 1 − p and then scaled by 1 / (1 − p), or zeroed.
  Tensor forward(const Tensor& x) override;
  double p() const { return p_; }
  void set_generator(Generator* gen) { gen_ = gen; }

 private:
  double p_;
  Generator* gen_;
};

}  // namespace thorax::nn
