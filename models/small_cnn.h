// small_cnn — a plain four-stage CNN: the smallest model of the zoo, for teaching (every layer is one of the
// engine's basic ops) and for tests that need a real convolutional network that trains in seconds, such as the
// data-parallel equivalence tests (with and without batch norm).
//
//   image ─ stage1 ─ stage2 ─ stage3 ─ stage4 ─ global average pool ─ classifier
//   stage_i = conv 3×3 (padding 1) ─ [batch norm] ─ relu ─ max pool 2×2
//
// Width w (default 16): stages of w, 2w, 4w, 8w channels. Option norm=batch (default) or none: with none the
// convolutions carry a bias and the model has no batch statistics at all. No dropout, so a training step is a
// deterministic function of the batch. Stages stage1..stage4 (strides 2, 4, 8, 16); Grad-CAM's default is stage4.
#pragma once
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace thorax::models {

class SmallCnn : public Model {
 public:
  explicit SmallCnn(ModelArgs args);
  std::string type_name() const override { return "SmallCnn"; }
  std::vector<std::string> stages() const override { return {"stage1", "stage2", "stage3", "stage4"}; }
  // Convolutions kaiming normal (fan_out, relu) with zero bias, batch norm ones/zeros, classifier PyTorch's default.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::vector<std::shared_ptr<nn::Sequential>> stages_;
  std::shared_ptr<nn::Linear> classifier_;
};

}  // namespace thorax::models
