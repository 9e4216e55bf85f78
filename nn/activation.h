// Parameter-free activation layers, named as PyTorch's classes (ReLU, ReLU6, SiLU, Hardswish, GELU,
// Sigmoid, Tanh) so summaries read like PyTorch's.
#pragma once
#include <memory>

#include "nn/module.h"

namespace thorax::nn {

enum class ActivationKind { relu, relu6, silu, hardswish, gelu, sigmoid, tanh };

class Activation : public Module {
 public:
  explicit Activation(ActivationKind kind) : kind_(kind) {}
  std::string type_name() const override;
  Tensor forward(const Tensor& x) override;
  ActivationKind kind() const { return kind_; }

 private:
  ActivationKind kind_;
};

inline std::shared_ptr<Activation> make_activation(ActivationKind kind) { return std::make_shared<Activation>(kind); }

}  // namespace thorax::nn
