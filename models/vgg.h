// VGG-16 (configuration D of Simonyan & Zisserman 2015), with or without batch norm, as torchvision
// builds it: "features.<i>" numbered as torchvision's flat Sequential (conv, [bn,] relu, ..., max pool),
// a 7×7 adaptive average pool, "classifier.0/3/6" the three linear layers (ReLU and dropout 0.5 between).
// Stages: the last activation at each resolution (strides 1, 2, 4, 8, 16), before its max pool.
// Features: the 4096 values entering the last dropout and linear layer.
#pragma once
#include <memory>

#include "models/model.h"
#include "nn/pooling.h"
#include "nn/sequential.h"

namespace thorax::models {

class Vgg : public Model {
 public:
  Vgg(const std::string& name, bool batch_norm, ModelArgs args);
  std::string type_name() const override { return "VGG"; }
  std::vector<std::string> stages() const override { return stages_; }
  // kaiming_normal (fan_out, relu) convolutions with zero bias, batch norm ones/zeros, linear
  // Normal(0, 0.01) with zero bias.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::shared_ptr<nn::Sequential> features_, classifier_;
  std::shared_ptr<nn::AdaptiveAvgPool2d> avgpool_;
  std::vector<std::string> stages_;
};

}  // namespace thorax::models
