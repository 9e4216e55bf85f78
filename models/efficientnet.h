// EfficientNet-B0 (Tan & Le 2019) as torchvision builds it: "features.0" the stem, "features.1".."7"
// stages of MBConv blocks (expand 1×1, depthwise k×k, squeeze-excitation, project 1×1, under ".block";
// stochastic depth rising linearly to 0.2 over the blocks), "features.8" the 1×1 to 1280 channels,
// "classifier.1" the linear layer after dropout 0.2. SiLU activations.
// Stages: features.1, .2, .3, .5, .8 (strides 2, 4, 8, 16, 32).
#pragma once
#include <memory>

#include "models/model.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/pooling.h"
#include "nn/sequential.h"

namespace thorax::models {

class MBConv : public nn::Module {
 public:
  MBConv(int64_t expand_ratio, int64_t kernel, int64_t stride, int64_t in, int64_t out, double stochastic_depth_prob);
  std::string type_name() const override { return "MBConv"; }
  Tensor forward(const Tensor& x) override;

 private:
  bool residual_;
  std::shared_ptr<nn::Sequential> block_;
  std::shared_ptr<nn::StochasticDepth> stochastic_depth_;
};

class EfficientNet : public Model {
 public:
  explicit EfficientNet(ModelArgs args);  // B0
  std::string type_name() const override { return "EfficientNet"; }
  std::vector<std::string> stages() const override;
  // kaiming_normal (fan_out) convolutions, batch norm ones/zeros, linear uniform ±1/sqrt(out) with zero bias.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::shared_ptr<nn::Sequential> features_, classifier_;
  std::shared_ptr<nn::AdaptiveAvgPool2d> avgpool_;
};

}  // namespace thorax::models
