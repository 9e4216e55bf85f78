// Xception (Chollet 2017) as timm builds it under the name legacy_xception (Cadene's port of the Keras
// model), with timm's parameter names: "conv1"/"bn1" and "conv2"/"bn2" (3×3, the first with stride 2,
// neither padded), "block1".."block12", "conv3"/"bn3" and "conv4"/"bn4" (separable), a global average
// pool and "fc". A block is "rep" — a Sequential of ReLU, SeparableConv2d and batch norm, repeated, ending
// in a 3×3 stride-2 max pool where the block downsamples — plus "skip"/"skipbn", a strided 1×1
// projection, where the shape changes (else the identity). Batch norms keep PyTorch's eps 1e-5.
// Stages: act2, block2.rep.0, block3.rep.0, block12.rep.0, act4 (strides 2, 4, 8, 16, 32), timm's
// feature_info: a block's output is first rectified by the ReLU that opens the next block.
// Smallest input: 7×7 (conv1 and conv2 are unpadded; everything after keeps at least 1×1).
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

// A depthwise k×k convolution ("conv1", groups = channels) then a pointwise 1×1 one ("pointwise"), both
// without bias.
class SeparableConv2d : public nn::Module {
 public:
  SeparableConv2d(int64_t in, int64_t out, int64_t kernel, int64_t padding);
  std::string type_name() const override { return "SeparableConv2d"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::Conv2d> depthwise_, pointwise_;
};

class XceptionBlock : public nn::Module {
 public:
  // reps separable convolutions; grow_first: the first one changes the width (else the last);
  // start_with_relu false only for block1, which follows conv2's own ReLU.
  XceptionBlock(int64_t in, int64_t out, int64_t reps, int64_t stride, bool start_with_relu = true,
                bool grow_first = true);
  std::string type_name() const override { return "Block"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::Sequential> rep_;
  std::shared_ptr<nn::Conv2d> skip_;  // null: identity
  std::shared_ptr<nn::BatchNorm2d> skipbn_;
};

class Xception : public Model {
 public:
  explicit Xception(ModelArgs args);
  std::string type_name() const override { return "Xception"; }
  std::vector<std::string> stages() const override {
    return {"act2", "block2.rep.0", "block3.rep.0", "block12.rep.0", "act4"};
  }
  // timm's: kaiming_normal (fan_out, relu) for every convolution, batch norm ones/zeros, PyTorch's
  // default for fc.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::vector<std::shared_ptr<nn::Module>> body_;  // conv1 .. act4, in order
  std::shared_ptr<nn::AdaptiveAvgPool2d> global_pool_;
  std::shared_ptr<nn::Linear> fc_;
};

}  // namespace thorax::models
