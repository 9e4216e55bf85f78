// MobileNetV2 (Sandler et al. 2018) as torchvision builds it (width 1.0): "features.0" the stem,
// "features.1".."features.17" inverted residual blocks (expand 1×1, depthwise 3×3, project 1×1 under
// ".conv"), "features.18" the 1×1 to 1280 channels, "classifier.1" the linear layer after dropout 0.2.
// Stages: features.1, .3, .6, .13, .18 (strides 2, 4, 8, 16, 32).
#pragma once
#include <memory>

#include "models/model.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace thorax::models {

class InvertedResidual : public nn::Module {
 public:
  InvertedResidual(int64_t in, int64_t out, int64_t stride, int64_t expand_ratio);
  std::string type_name() const override { return "InvertedResidual"; }
  Tensor forward(const Tensor& x) override;

 private:
  bool residual_;
  std::shared_ptr<nn::Sequential> conv_;
};

class MobileNetV2 : public Model {
 public:
  explicit MobileNetV2(ModelArgs args);
  std::string type_name() const override { return "MobileNetV2"; }
  std::vector<std::string> stages() const override;
  // kaiming_normal (fan_out) convolutions, batch norm ones/zeros, linear Normal(0, 0.01) with zero bias.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::shared_ptr<nn::Sequential> features_, classifier_;
};

}  // namespace thorax::models
