#include "nn/squeeze_excitation.h"

#include "autograd/elementwise.h"

namespace thorax::nn {

SqueezeExcitation::SqueezeExcitation(int64_t input_channels, int64_t squeeze_channels, ActivationKind act,
                                     ActivationKind scale_act) {
  avgpool = register_module("avgpool", std::make_shared<AdaptiveAvgPool2d>(std::array<int64_t, 2>{1, 1}));
  fc1 = register_module("fc1", std::make_shared<Conv2d>(Conv2dConfig{.in = input_channels, .out = squeeze_channels}));
  fc2 = register_module("fc2", std::make_shared<Conv2d>(Conv2dConfig{.in = squeeze_channels, .out = input_channels}));
  activation = register_module("activation", make_activation(act));
  scale_activation = register_module("scale_activation", make_activation(scale_act));
}

Tensor SqueezeExcitation::forward(const Tensor& x) {
  Tensor scale = (*scale_activation)((*fc2)((*activation)((*fc1)((*avgpool)(x)))));
  return scale * x;
}

}  // namespace thorax::nn
