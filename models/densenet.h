// DenseNet-121/201 (Huang et al. 2017, the BC variant) as torchvision builds them: "features.conv0",
// "features.norm0", "features.denseblock<i>.denselayer<j>.{norm1,conv1,norm2,conv2}",
// "features.transition<i>.{norm,conv}", "features.norm5", and "classifier" (a single linear layer).
// Growth 32, bottleneck 4·32, no dropout. Stages: features.denseblock1..3 and features.norm5.
#pragma once
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace thorax::models {

// BN-ReLU-1×1 conv to 4·growth channels, BN-ReLU-3×3 conv to growth channels.
class DenseLayer : public nn::Module {
 public:
  DenseLayer(int64_t in, int64_t growth, int64_t bottleneck);
  std::string type_name() const override { return "_DenseLayer"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::BatchNorm2d> norm1_, norm2_;
  std::shared_ptr<nn::Activation> relu1_, relu2_;
  std::shared_ptr<nn::Conv2d> conv1_, conv2_;
};

// Each layer sees the concatenation of the block's input and every earlier layer's output.
class DenseBlock : public nn::Module {
 public:
  DenseBlock(int64_t layers, int64_t in, int64_t growth, int64_t bottleneck);
  std::string type_name() const override { return "_DenseBlock"; }
  Tensor forward(const Tensor& x) override;
};

class DenseNet : public Model {
 public:
  DenseNet(const std::string& name, std::vector<int64_t> block_config, ModelArgs args);
  std::string type_name() const override { return "DenseNet"; }
  std::vector<std::string> stages() const override;
  // kaiming_normal (fan_in) convolutions, batch norm ones/zeros, linear PyTorch's default weight and zero bias.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::shared_ptr<nn::Sequential> features_;
  std::shared_ptr<nn::Linear> classifier_;
};

}  // namespace thorax::models
