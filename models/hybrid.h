// hybrid — the encoder of seed 000 (a self-supervised hybrid framework for multi-class CXR classification):
// MobileNetV2, InceptionV3 and VGG16 read the same image in parallel. Each one's last feature map is projected by a
// 1×1 convolution (with batch norm and ReLU) to a common width d and average-pooled to the smallest branch's grid;
// the grids are concatenated and mixed by a 1×1 convolution ("fuse", d channels). The fused grid is read row by row
// as a sequence of spatial tokens by a bidirectional LSTM (d/2 per direction); additive attention pools the sequence
// into one vector of d values — the features, i.e. the SimCLR encoder output — and a linear classifier reads it.
//
//   image ─┬─ mobilenet_v2.features ─── proj.mobilenet_v2 (1×1 → d) ─ avg-pool to g×g ─┐
//          ├─ inception_v3 (…Mixed_7c) ─ proj.inception_v3 (1×1 → d) ─ avg-pool to g×g ─┼─ concat ─ fuse (1×1 → d)
//          └─ vgg16.features ────────── proj.vgg16 (1×1 → d) ──────── avg-pool to g×g ─┘        │
//        tokens (N, g·g, d) ─ lstm (bidirectional, d/2 + d/2) ─ attention (additive) ─ features (d) ─ classifier
//
// Width: d (default 256). Options, for seed 000's ablations: backbones=<comma-separated subset, any order> (default
// mobilenet_v2,inception_v3,vgg16; any backbone of models/backbone_trunk.h is accepted), lstm=bi|uni|none (uni: one
// direction of width d), pool=attention|mean. A small variant: "hybrid?backbones=mobilenet_v2&width=32".
// Backbones keep torchvision's parameter names under their own name ("inception_v3.Mixed_5b.branch1x1.conv.weight").
// Smallest input: the largest backbone minimum (inception_v3 75, vgg16 32, mobilenet_v2 1).
// Stages: each backbone's stages under its name, then "fuse" (the Grad-CAM default: the fused grid).
#pragma once
#include <memory>
#include <vector>

#include "models/backbone_trunk.h"
#include "models/model.h"
#include "nn/attention_pool.h"
#include "nn/linear.h"
#include "nn/lstm.h"

namespace thorax::models {

class Hybrid : public Model {
 public:
  explicit Hybrid(ModelArgs args);
  std::string type_name() const override { return "HybridEncoder"; }
  std::vector<std::string> stages() const override;
  // Each backbone by its own rule (models/backbone_trunk.h); projections and fuse as torchvision's convolutions
  // (kaiming normal, fan_out); LSTM, attention and classifier PyTorch's defaults.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  Hybrid(ModelArgs args, std::vector<Trunk> trunks);

  std::vector<Trunk> trunks_;
  std::vector<std::shared_ptr<nn::Module>> proj_;  // one per trunk
  std::shared_ptr<nn::Module> fuse_;
  std::shared_ptr<nn::LSTM> lstm_;                 // null: lstm=none
  std::shared_ptr<nn::AttentionPool> attention_;   // null: pool=mean
  std::shared_ptr<nn::Linear> classifier_;
};

}  // namespace thorax::models
