// A memory of per-class feature prototypes, read by attention (the memory bank of seed 003's rare-disease model).
// Slot k holds a momentum average of the features of the labelled positives of its class seen in training;
// the prototypes are buffers (saved with the weights, never trained), so evaluation reads what training wrote.
//   update (training, labels known): for each slot with positives in the batch,
//       p_k ← m·p_k + (1 − m)·mean_i f_i        (the first time: p_k ← mean_i f_i, and the slot is marked filled)
//   read: q = Wq f,  k_j = Wk p_j,  a = softmax_j(q·k_j / √key_dim) over the filled slots,  r = Σ_j a_j p_j
//       (r = 0 while no slot is filled).
// Parameters: "query" (Wq, dim → key_dim) and "key" (Wk, dim → key_dim), both without bias; buffers
// "prototypes" (slots, dim) and "filled" (slots; 1 once a slot holds a prototype).
#pragma once
#include <memory>

#include "nn/linear.h"

namespace thorax::nn {

class PrototypeMemory : public Module {
 public:
  PrototypeMemory(int64_t slots, int64_t dim, int64_t key_dim, double momentum = 0.9);
  std::string type_name() const override { return "PrototypeMemory"; }
  std::string extra_repr() const override;
  // The read: queries (N, dim) -> (N, dim).
  Tensor forward(const Tensor& query_features) override;
  // The momentum update, outside the graph: features (N, dim); positives (N, slots), > 0.5 marks a positive.
  void update(const Tensor& features, const Tensor& positives);
  // The attention products (the projections count as their own Linear layers).
  int64_t flops(const Shape& input, const Shape& output) const override;

  int64_t slots() const { return slots_; }
  int64_t filled_slots() const;

  Tensor prototypes, filled;           // public so the gradient checks can swap in float64 prototypes
  std::shared_ptr<Linear> query, key;  // and weights

 private:
  int64_t slots_, dim_, key_dim_;
  double momentum_;
};

}  // namespace thorax::nn
