// resnet50_cbam_fpn — seed 003's "Advanced ResNet with attention and FPN": ResNet-50 whose four stages are each
// followed by CBAM (channel, then spatial attention; nn/cbam.h), with a Feature Pyramid Network top-down pathway
// over the four attended maps (nn/fpn.h). The head average-pools every pyramid level and classifies their
// concatenation, so both large and small findings reach the classifier.
//
//   image ─ conv1 7×7/2 ─ bn1 ─ relu ─ maxpool ─ layer1 ─ cbam1 ─ layer2 ─ cbam2 ─ layer3 ─ cbam3 ─ layer4 ─ cbam4
//                                                          │c2             │c3             │c4             │c5
//                      fpn: 1×1 laterals, top-down nearest upsampling and sums, 3×3 outputs → p2, p3, p4, p5 (4w each)
//                      head: global average pool of each level → concat (16w) = features ─ classifier ─ logits
//
// Width w: the ResNet base width (default 64, torchvision's ResNet-50: stages of 4w, 8w, 16w, 32w channels; the
// pyramid has 4w). At w = 64 the trunk (conv1, bn1, layer1..layer4) has torchvision's resnet50 names and shapes, so
// ImageNet weights load into it. Stages: cbam1..cbam4 (strides 4, 8, 16, 32); the Grad-CAM default cbam4 feeds every
// pyramid level.
#pragma once
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/cbam.h"
#include "nn/conv2d.h"
#include "nn/fpn.h"
#include "nn/linear.h"
#include "nn/pooling.h"
#include "nn/sequential.h"

namespace thorax::models {

class ResNetCbamFpn : public Model {
 public:
  explicit ResNetCbamFpn(ModelArgs args);
  std::string type_name() const override { return "ResNetCBAMFPN"; }
  std::vector<std::string> stages() const override { return {"cbam1", "cbam2", "cbam3", "cbam4"}; }
  // Every convolution kaiming normal (fan_out, relu) with zero bias, batch norm ones/zeros, the classifier
  // PyTorch's default.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::shared_ptr<nn::Conv2d> conv1_;
  std::shared_ptr<nn::BatchNorm2d> bn1_;
  std::shared_ptr<nn::Activation> relu_;
  std::shared_ptr<nn::MaxPool2d> maxpool_;
  std::vector<std::shared_ptr<nn::Sequential>> layers_;
  std::vector<std::shared_ptr<nn::CBAM>> cbam_;
  std::shared_ptr<nn::FeaturePyramid> fpn_;
  std::shared_ptr<nn::Linear> classifier_;
};

}  // namespace thorax::models
