// Inception v3 (Szegedy et al. 2016) as torchvision builds it (transform_input off, aux_logits on):
// "Conv2d_1a_3x3".."Conv2d_4a_3x3" (BasicConv2d: conv without bias, batch norm eps 0.001, ReLU, as
// ".conv" and ".bn"), "Mixed_5b".."Mixed_7c" (InceptionA-E), "AuxLogits" (an auxiliary classifier on
// Mixed_6e, run in training mode only: its logits come back as ModelOutput::aux_logits), "fc".
// Needs at least 75×75 pixels, and 299×299 in training mode while the auxiliary head is on (its 5×5 pool
// and conv); set_aux_logits(false) skips the head, as torchvision's aux_logits=False does.
// Stages: Conv2d_4a_3x3, Mixed_5d, Mixed_6e, Mixed_7c (strides 4, 8, 16, 32).
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/pooling.h"

namespace thorax::models {

class BasicConv2d : public nn::Module {
 public:
  explicit BasicConv2d(const nn::Conv2dConfig& conv);  // the config's bias is ignored (always none)
  std::string type_name() const override { return "BasicConv2d"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<nn::Conv2d> conv_;
  std::shared_ptr<nn::BatchNorm2d> bn_;
};

// A block of parallel branches whose outputs are concatenated on channels. Each branch is a chain of
// BasicConv2d (named as in torchvision) after an optional pool; subclasses list their branches.
class InceptionBlock : public nn::Module {
 public:
  Tensor forward(const Tensor& x) override;

  struct Branch {
    enum class Pool { none, avg3x3_same, max3x3_stride2 } pool = Pool::none;
    std::vector<std::shared_ptr<nn::Module>> convs;
    // Splits into two parallel convs after convs (InceptionE's 1×3 / 3×1 pair), concatenated.
    std::vector<std::shared_ptr<nn::Module>> split;
  };

 protected:
  // Registers a BasicConv2d; kernel, stride and padding as (height, width).
  std::shared_ptr<nn::Module> conv(const std::string& name, int64_t in, int64_t out, std::array<int64_t, 2> kernel,
                                   int64_t stride = 1, std::array<int64_t, 2> padding = {0, 0});
  std::vector<Branch> branches_;
};

class InceptionA : public InceptionBlock {
 public:
  InceptionA(int64_t in, int64_t pool_features);
  std::string type_name() const override { return "InceptionA"; }
};
class InceptionB : public InceptionBlock {
 public:
  explicit InceptionB(int64_t in);
  std::string type_name() const override { return "InceptionB"; }
};
class InceptionC : public InceptionBlock {
 public:
  InceptionC(int64_t in, int64_t channels_7x7);
  std::string type_name() const override { return "InceptionC"; }
};
class InceptionD : public InceptionBlock {
 public:
  explicit InceptionD(int64_t in);
  std::string type_name() const override { return "InceptionD"; }
};
class InceptionE : public InceptionBlock {
 public:
  explicit InceptionE(int64_t in);
  std::string type_name() const override { return "InceptionE"; }
};

class InceptionAux : public nn::Module {
 public:
  InceptionAux(int64_t in, int64_t num_classes);
  std::string type_name() const override { return "InceptionAux"; }
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<BasicConv2d> conv0_, conv1_;
  std::shared_ptr<nn::Linear> fc_;
};

class InceptionV3 : public Model {
 public:
  explicit InceptionV3(ModelArgs args);
  std::string type_name() const override { return "Inception3"; }
  std::vector<std::string> stages() const override { return {"Conv2d_4a_3x3", "Mixed_5d", "Mixed_6e", "Mixed_7c"}; }
  // Off: training mode skips the auxiliary head (and so works below 299×299). Its weights stay, so
  // files keep the names of torchvision's default model either way.
  void set_aux_logits(bool on) { aux_logits_ = on; }
  bool aux_logits() const { return aux_logits_; }

  // Truncated Normal(0, 0.1) on [−2, 2] for every convolution and linear weight (0.001 for the auxiliary
  // fc), batch norm ones/zeros, PyTorch's default for the linear biases — torchvision's init_weights.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::vector<std::shared_ptr<nn::Module>> stem_, mixed_6_, mixed_7_;  // before and after the auxiliary head
  std::shared_ptr<InceptionAux> aux_;
  std::shared_ptr<nn::AdaptiveAvgPool2d> avgpool_;
  std::shared_ptr<nn::Dropout> dropout_;
  std::shared_ptr<nn::Linear> fc_;
  bool aux_logits_ = true;
};

}  // namespace thorax::models
