// ResNet-18/34/50/101 as torchvision builds them (v1.5: the stride sits in the 3×3 conv of a
// bottleneck), with torchvision's parameter names ("conv1.weight", "layer1.0.bn1.running_mean",
// "layer2.0.downsample.0.weight", "fc.bias"). Stages: layer1..layer4 (strides 4, 8, 16, 32).
#pragma once
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/linear.h"
#include "nn/pooling.h"
#include "nn/sequential.h"

namespace thorax::models {

// Two 3×3 convolutions and the identity (or a 1×1 projection) added before the last ReLU.
class BasicBlock : public nn::Module {
 public:
  static constexpr int64_t expansion = 1;
  BasicBlock(int64_t inplanes, int64_t planes, int64_t stride, std::shared_ptr<nn::Sequential> downsample);
  std::string type_name() const override { return "BasicBlock"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::Conv2d> conv1_, conv2_;
  std::shared_ptr<nn::BatchNorm2d> bn1_, bn2_;
  std::shared_ptr<nn::Activation> relu_;
  std::shared_ptr<nn::Sequential> downsample_;
};

// 1×1 reduce, 3×3 (strided), 1×1 expand ×4, plus the identity or projection.
class Bottleneck : public nn::Module {
 public:
  static constexpr int64_t expansion = 4;
  Bottleneck(int64_t inplanes, int64_t planes, int64_t stride, std::shared_ptr<nn::Sequential> downsample);
  std::string type_name() const override { return "Bottleneck"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::Conv2d> conv1_, conv2_, conv3_;
  std::shared_ptr<nn::BatchNorm2d> bn1_, bn2_, bn3_;
  std::shared_ptr<nn::Activation> relu_;
  std::shared_ptr<nn::Sequential> downsample_;
};

class ResNet : public Model {
 public:
  // bottleneck: Bottleneck blocks (resnet50/101) instead of BasicBlock; blocks: per stage.
  ResNet(const std::string& name, bool bottleneck, std::vector<int64_t> blocks, ModelArgs args);
  std::string type_name() const override { return "ResNet"; }
  std::vector<std::string> stages() const override { return {"layer1", "layer2", "layer3", "layer4"}; }
  // kaiming_normal (fan_out, relu) for convolutions, ones/zeros for batch norm, PyTorch's default for fc.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  template <class Block> std::shared_ptr<nn::Sequential> make_layer(int64_t planes, int64_t blocks, int64_t stride);

  int64_t inplanes_ = 64;
  std::shared_ptr<nn::Conv2d> conv1_;
  std::shared_ptr<nn::BatchNorm2d> bn1_;
  std::shared_ptr<nn::Activation> relu_;
  std::shared_ptr<nn::MaxPool2d> maxpool_;
  std::vector<std::shared_ptr<nn::Sequential>> layers_;
  std::shared_ptr<nn::AdaptiveAvgPool2d> avgpool_;
  std::shared_ptr<nn::Linear> fc_;
};

}  // namespace thorax::models
