#include "nn/linear.h"

#include <stdexcept>

#include "autograd/matmul.h"
#include "nn/init.h"

namespace thorax::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias) : in_(in_features), out_(out_features) {
  if (in_features < 1 || out_features < 1)
    throw std::invalid_argument("Linear: in_features and out_features must be positive, got " +
                                std::to_string(in_features) + " and " + std::to_string(out_features));
  weight = register_parameter("weight", Tensor::zeros({out_, in_}));
  if (with_bias) bias = register_parameter("bias", Tensor::zeros({out_}));
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_) + ", out_features=" + std::to_string(out_) +
         ", bias=" + (bias.defined() ? "True" : "False");
}

Tensor Linear::forward(const Tensor& x) {
  if (x.dim() < 1 || x.shape().back() != in_)
    throw std::invalid_argument("Linear(" + std::to_string(in_) + " -> " + std::to_string(out_) +
                                "): the input's last dim must be " + std::to_string(in_) + ", got " + shape_str(x.shape()));
  return linear(x, weight, bias);
}

int64_t Linear::flops(const Shape& input, const Shape& output) const { return 2 * numel(output) * in_; }

void Linear::reset_own_parameters(Generator& gen) { init::default_weight_and_bias(weight, &bias, gen); }

}  // namespace thorax::nn
