// chest_attention_net — seed 003's "Specialized Chest X-ray Attention Network": a lightweight residual encoder
// (ResNet-18's layout at a quarter of its channels by default) in which every stage ends in dual attention — a
// channel gate, then a spatial gate (CBAM, nn/cbam.h) — with no multi-scale pathway: global average pooling and
// a linear classifier read the last stage.
//
//   image ─ conv1 3×3/2 ─ bn1 ─ relu ─ maxpool 3×3/2 ─ layer1 ─ layer2 ─ layer3 ─ layer4 ─ avgpool ─ classifier
//   layer_i = BasicBlock ×2 (the first strided from layer2 on) ─ attention (CBAM, reduction 8)
//
// Width w: the base channel count (default 32; stages of w, 2w, 4w, 8w channels; features 8w). At width 16 and
// 64×64 inputs it trains well above 50 images/s on two cores. Stages: layer1..layer4 (strides 4, 8, 16, 32), each
// after its attention; the Grad-CAM default is layer4.
#pragma once
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace thorax::models {

class ChestAttentionNet : public Model {
 public:
  explicit ChestAttentionNet(ModelArgs args);
  std::string type_name() const override { return "ChestAttentionNet"; }
  std::vector<std::string> stages() const override { return {"layer1", "layer2", "layer3", "layer4"}; }
  // Convolutions kaiming normal (fan_out, relu) with zero bias, batch norm ones/zeros, classifier PyTorch's default.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::shared_ptr<nn::Sequential> stem_;
  std::vector<std::shared_ptr<nn::Sequential>> layers_;
  std::shared_ptr<nn::Linear> classifier_;
};

}  // namespace thorax::models
