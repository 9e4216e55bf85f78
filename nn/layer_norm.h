// LayerNorm over the trailing dims (PyTorch's nn.LayerNorm; parameters "weight" and "bias").
#pragma once
#include "nn/module.h"

namespace thorax::nn {

class LayerNorm : public Module {
 public:
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true);
  std::string type_name() const override { return "LayerNorm"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;
  void reset_own_parameters(Generator& gen) override;

  Tensor weight, bias;  // undefined without elementwise_affine

 private:
  Shape shape_;
  double eps_;
};

}  // namespace thorax::nn
