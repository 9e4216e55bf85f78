#include "nn/layer_norm.h"

#include <sstream>

#include "autograd/normalization.h"

namespace thorax::nn {

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool affine) : shape_(std::move(normalized_shape)), eps_(eps) {
  if (affine) {
    weight = register_parameter("weight", Tensor::ones(shape_));
    bias = register_parameter("bias", Tensor::zeros(shape_));
  }
}

std::string LayerNorm::extra_repr() const {
  std::ostringstream s;
  s << shape_str(shape_) << ", eps=" << eps_ << ", elementwise_affine=" << (weight.defined() ? "True" : "False");
  return s.str();
}

Tensor LayerNorm::forward(const Tensor& x) { return layer_norm(x, shape_, weight, bias, eps_); }

void LayerNorm::reset_own_parameters(Generator&) {
  if (weight.defined()) {
    weight.fill(1.0);
    bias.fill(0.0);
  }
}

}  // namespace thorax::nn
