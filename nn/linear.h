// Linear: y = x·Wᵀ + b over the last dim (PyTorch's nn.Linear; parameters "weight" (out, in), "bias").
#pragma once
#include "nn/module.h"

namespace thorax::nn {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;
  int64_t flops(const Shape& input, const Shape& output) const override;
  void reset_own_parameters(Generator& gen) override;

  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }
  Tensor weight, bias;  // bias undefined when built without one

 private:
  int64_t in_, out_;
};

}  // namespace thorax::nn
