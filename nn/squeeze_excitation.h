// Squeeze-and-Excitation (Hu et al. 2018) as torchvision.ops.SqueezeExcitation: a per-channel gate
// scale = σ(fc2(δ(fc1(avgpool(x))))) multiplies x. fc1 and fc2 are 1×1 convolutions with bias, so the
// parameter names are "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" as in torchvision.
#pragma once
#include <memory>

#include "nn/activation.h"
#include "nn/conv2d.h"
#include "nn/pooling.h"

namespace thorax::nn {

class SqueezeExcitation : public Module {
 public:
  SqueezeExcitation(int64_t input_channels, int64_t squeeze_channels,
                    ActivationKind activation = ActivationKind::relu,
                    ActivationKind scale_activation = ActivationKind::sigmoid);
  std::string type_name() const override { return "SqueezeExcitation"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<AdaptiveAvgPool2d> avgpool;
  std::shared_ptr<Conv2d> fc1, fc2;
  std::shared_ptr<Activation> activation, scale_activation;
};

}  // namespace thorax::nn
