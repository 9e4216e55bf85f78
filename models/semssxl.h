// semssxl — seed 001's SemSSXL, the Semi Self-Supervised Xception Learner: an Xception encoder, the first layer of
// a SimCLR projection head, and a classifier reading that layer (as SimCLRv2 fine-tunes from the middle of its
// projection head, Chen et al. 2020). Trained with `thorax train --semi-supervised`: the supervised loss on the
// labelled images and NT-Xent on all of them, the trainer's projection head completing this one on `features`.
//
//   image ─ xception trunk (conv1 … act4) ─ global avg pool (2048) ─ proj (linear → d, ReLU) = features ─ classifier
//                                                                                     └─ (trainer) projection ─ NT-Xent
//
// Width: d, the projection width (default 512). Options: encoder=xception (default; any backbone of
// models/backbone_trunk.h, e.g. mobilenet_v2 for a CPU-sized variant). The encoder keeps timm's names under its own
// name ("xception.block1.rep.0.conv1.weight"). Stages: the encoder's (xception: act2, block2.rep.0, block3.rep.0,
// block12.rep.0, act4, under "xception.").
#pragma once
#include <memory>
#include <vector>

#include "models/backbone_trunk.h"
#include "models/model.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace thorax::models {

class SemSSXL : public Model {
 public:
  explicit SemSSXL(ModelArgs args);
  std::string type_name() const override { return "SemSSXL"; }
  std::vector<std::string> stages() const override;
  // The encoder by its backbone's rule; proj and classifier PyTorch's defaults.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  SemSSXL(ModelArgs args, Trunk encoder);

  Trunk encoder_;
  std::shared_ptr<nn::Sequential> proj_;
  std::shared_ptr<nn::Linear> classifier_;
};

}  // namespace thorax::models
