// torchvision.ops.Conv2dNormActivation: a Sequential of a bias-free convolution ("0"), batch norm ("1")
// and an optional activation ("2"), padding (kernel − 1) / 2 — the building block of MobileNet and
// EfficientNet, whose parameter names ("features.0.0.weight", "features.0.1.running_var") follow from it.
#pragma once
#include <array>
#include <memory>
#include <optional>

#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/sequential.h"

namespace thorax::models {

struct ConvNormActConfig {
  int64_t in = 0, out = 0, kernel = 3, stride = 1, groups = 1;
  std::optional<nn::ActivationKind> activation = nn::ActivationKind::relu;
  nn::BatchNormConfig norm = {};
};

class Conv2dNormActivation : public nn::Sequential {
 public:
  explicit Conv2dNormActivation(const ConvNormActConfig& config);
  std::string type_name() const override { return "Conv2dNormActivation"; }
};

// The torchvision initialization shared by MobileNetV2 and EfficientNet for convolutions and batch
// norms: kaiming_normal (fan_out) weights, zero biases, batch norm ones and zeros. Returns false for
// other modules (the caller initializes those).
bool init_conv_or_norm(nn::Module& m, Generator& gen);

}  // namespace thorax::models
