// rare_disease — seed 003's "Rare Disease Focused Model": multi-resolution branches, a memory bank of rare-class
// prototypes read by attention, and separate heads for rare and common classes.
//   - Three residual branches (stem 3×3/2, then stages of w, 2w, 4w channels, strides 1, 2, 2) read the image at
//     full, half and quarter resolution (2×2 and 4×4 average pooling); their maps are average-pooled to the
//     quarter branch's grid, concatenated and fused by a 1×1 convolution into D = 8w channels ("fuse").
//   - Two attention pools (nn/attention_pool.h) read the fused grid's tokens: one for the common classes (f_c),
//     one for the rare classes (f_r).
//   - The memory (nn/memory_bank.h) holds one prototype per rare class, a momentum average (momentum m) of f_r over
//     the labelled positives of that class seen in training; every forward reads it by attention with f_r as query
//     (r). During training with labels the prototypes are updated after the read, and aux_loss pulls each rare
//     positive's f_r towards its class prototype: memory_weight · mean (1 − cos(f_r, p_class)).
//   - The classifier holds both heads: a common class's logit reads only f_c, a rare class's only [f_r, r].
//
//   image ─┬─────────────── branch0 ─ avg-pool to g×g ─┐
//          ├─ avg-pool 2×2 ─ branch1 ─ avg-pool to g×g ─┼─ concat ─ fuse (1×1 → D) ─ tokens (N, g·g, D)
//          └─ avg-pool 4×4 ─ branch2 (g×g) ──────────────┘                                │
//        tokens ─┬─ common_attention ─ f_c ──────────────────────────────┐
//                └─ rare_attention ─── f_r ─┬────────────────────────────┼─ features [f_c | f_r | r] ─ classifier
//                                           └─ memory (R prototypes) ─ r ┘
//   classifier: common logits = W_c·f_c + b_c,  rare logits = W_r·[f_r | r] + b_r
//
// Width w (default 32). Options: rare=<class indices, comma-separated> (default: the last ⌈C/4⌉ classes — a
// trainer should pass the least frequent ones, choose_rare_classes below), momentum (default 0.9), memory_weight
// (default 0.1; 0 turns the auxiliary loss off). Needs at least two classes (one common, one rare). The labels
// given to forward are the (N, C) targets (a value above 0.5 marks a positive) or N class indices.
// Stages: branch0, branch1, branch2 (strides 8, 16, 32), then fuse (the Grad-CAM default).
#pragma once
#include <memory>
#include <vector>

#include "models/model.h"
#include "nn/attention_pool.h"
#include "nn/memory_bank.h"
#include "nn/sequential.h"

namespace thorax::models {

// The ⌈C/4⌉ classes with the fewest positives (ties: the lower index first), in class order: what a trainer
// passes as rare=... from its training labels.
std::vector<int64_t> choose_rare_classes(const std::vector<int64_t>& positives_per_class);

// The two heads as one linear map over [f_c | f_r | r] (3·part values) whose weight is masked to a block
// structure: a common class's row reads only f_c, a rare class's row only f_r and r. One matrix keeps the
// classifier a single layer over the features, as fine-tuning, linear probes and the weight tools expect.
class RareCommonHead : public nn::Module {
 public:
  RareCommonHead(int64_t part, int64_t num_classes, const std::vector<int64_t>& rare);
  std::string type_name() const override { return "RareCommonHead"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& features) override;  // (N, 3·part) -> (N, num_classes)
  int64_t flops(const Shape& input, const Shape& output) const override;
  // nn.Linear's rule per row with that row's own fan-in; the masked-out entries stay zero.
  void reset_own_parameters(Generator& gen) override;

  Tensor weight, bias;  // (num_classes, 3·part), (num_classes)

 private:
  int64_t part_;
  std::vector<int64_t> rare_;
  std::vector<bool> is_rare_;
  Tensor mask_;  // 1 where a weight is used
};

class RareDiseaseModel : public Model {
 public:
  explicit RareDiseaseModel(ModelArgs args);
  std::string type_name() const override { return "RareDiseaseModel"; }
  std::vector<std::string> stages() const override { return {"branch0", "branch1", "branch2", "fuse"}; }
  void initialize(Generator& gen) override;

  const std::vector<int64_t>& rare_classes() const { return rare_; }
  nn::PrototypeMemory& memory() { return *memory_; }

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  std::vector<int64_t> rare_;
  double memory_weight_;
  std::vector<std::shared_ptr<nn::Sequential>> branches_;
  std::shared_ptr<nn::Module> fuse_;
  std::shared_ptr<nn::AttentionPool> common_attention_, rare_attention_;
  std::shared_ptr<nn::PrototypeMemory> memory_;
  std::shared_ptr<RareCommonHead> classifier_;
};

}  // namespace thorax::models
