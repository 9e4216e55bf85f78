#include "nn/activation.h"

#include "autograd/elementwise.h"

namespace thorax::nn {

std::string Activation::type_name() const {
  switch (kind_) {
    case ActivationKind::relu: return "ReLU";
    case ActivationKind::relu6: return "ReLU6";
    case ActivationKind::silu: return "SiLU";
    case ActivationKind::hardswish: return "Hardswish";
    case ActivationKind::gelu: return "GELU";
    case ActivationKind::sigmoid: return "Sigmoid";
    case ActivationKind::tanh: return "Tanh";
  }
  return "Activation";
}

Tensor Activation::forward(const Tensor& x) {
  switch (kind_) {
    case ActivationKind::relu: return relu(x);
    case ActivationKind::relu6: return relu6(x);
    case ActivationKind::silu: return silu(x);
    case ActivationKind::hardswish: return hardswish(x);
    case ActivationKind::gelu: return gelu(x);
    case ActivationKind::sigmoid: return sigmoid(x);
    case ActivationKind::tanh: return tanh(x);
  }
  return x;
}

}  // namespace thorax::nn
