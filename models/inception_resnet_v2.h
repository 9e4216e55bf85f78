// Inception-ResNet-v2 (Szegedy et al. 2017) as timm builds it, with timm's parameter names: the stem
// "conv2d_1a", "conv2d_2a", "conv2d_2b", "conv2d_3b", "conv2d_4a" (convolution without bias, batch norm
// eps 0.001, ReLU, as ".conv" and ".bn": inception_v3's BasicConv2d, which timm calls ConvNormAct),
// "mixed_5b", "repeat" (10 × Block35, residual scale 0.17), "mixed_6a", "repeat_1" (20 × Block17, 0.10),
// "mixed_7a", "repeat_2" (9 × Block8, 0.20), "block8" (a last Block8, scale 1, no ReLU), "conv2d_7b",
// a global average pool and "classif". Branches are "branch0".."branch3", each one unit or a Sequential
// numbered from 0 (a pool included: "mixed_5b.branch3.1.conv.weight").
// Stages: conv2d_2b, conv2d_4a, repeat, repeat_1, conv2d_7b (strides 2, 4, 8, 16, 32), timm's
// feature_info. Smallest input: 75×75 (the unpadded stem and the two stride-2 reductions leave 1×1).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/model.h"
#include "nn/activation.h"
#include "nn/conv2d.h"
#include "nn/linear.h"
#include "nn/pooling.h"

namespace thorax::models {

// Parallel branches "branch0".."branchN" over one input, concatenated on channels: timm's Mixed_5b,
// Mixed_6a and Mixed_7a, and the body of the residual blocks.
class InceptionBranches : public nn::Module {
 public:
  InceptionBranches(std::string type, std::vector<std::shared_ptr<nn::Module>> branches);
  std::string type_name() const override { return type_; }
  Tensor forward(const Tensor& x) override;

 private:
  std::string type_;
  std::vector<std::shared_ptr<nn::Module>> branches_;
};

// x + scale · conv2d(cat(branches(x))), then a ReLU named `relu_name` ("" for none): timm's Block35,
// Block17 and Block8.
class InceptionResidual : public InceptionBranches {
 public:
  InceptionResidual(std::string type, std::vector<std::shared_ptr<nn::Module>> branches, int64_t branch_channels,
                    int64_t channels, double scale, const std::string& relu_name);
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::Conv2d> conv2d_;
  std::shared_ptr<nn::Activation> relu_;  // null: none (the last Block8)
  double scale_;
};

class InceptionResNetV2 : public Model {
 public:
  explicit InceptionResNetV2(ModelArgs args);
  std::string type_name() const override { return "InceptionResnetV2"; }
  std::vector<std::string> stages() const override {
    return {"conv2d_2b", "conv2d_4a", "repeat", "repeat_1", "conv2d_7b"};
  }
  // timm's: PyTorch's defaults for every layer (kaiming_uniform(a=√5) convolutions and linear layer,
  // batch norm ones/zeros).
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::vector<std::shared_ptr<nn::Module>> body_;  // conv2d_1a .. conv2d_7b, in order
  std::shared_ptr<nn::AdaptiveAvgPool2d> global_pool_;
  std::shared_ptr<nn::Linear> classif_;
};

}  // namespace thorax::models
