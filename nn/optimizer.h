// Optimizers: they read each parameter's .grad() and update the parameter's data in place.
//
// Parameters come in groups so that, e.g., a pretrained encoder can learn more slowly than a new head;
// each group has its own learning rate and weight decay. Per-parameter state (momentum buffers, Adam
// moments) is exposed by name for checkpoints. All updates run outside autograd (no graph is recorded).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace thorax::nn {

struct ParamGroup {
  std::vector<Tensor> params;
  double lr = 1e-3;
  double weight_decay = 0.0;
};

class Optimizer {
 public:
  explicit Optimizer(std::vector<ParamGroup> groups);
  virtual ~Optimizer() = default;

  // One update from the current gradients. Parameters without a gradient are left alone.
  virtual void step() = 0;
  // Drops every parameter's gradient (the next backward assigns fresh ones).
  void zero_grad();

  std::vector<ParamGroup>& groups() { return groups_; }
  // Scales every group's learning rate relative to its initial value (what schedulers set).
  void set_lr_factor(double factor);

  // Named state tensors ("<group>.<index>.<name>") for checkpoints; load_state accepts the same names.
  std::vector<std::pair<std::string, Tensor>> state() const;
  void load_state(const std::vector<std::pair<std::string, Tensor>>& state);
  int64_t steps() const { return steps_; }

 protected:
  // The state tensor `name` of parameter j of group g, created zero-filled on first use.
  Tensor& slot(size_t g, size_t j, const std::string& name);

  std::vector<ParamGroup> groups_;
  std::vector<double> base_lr_;
  int64_t steps_ = 0;

 private:
  struct Slot {
    size_t group, index;
    std::string name;
    Tensor value;
  };
  std::vector<Slot> slots_;
};

// Rescales all gradients so their global L2 norm is at most max_norm (PyTorch's clip_grad_norm_:
// scale = max_norm / (norm + 1e-6) when below 1). Returns the norm before clipping.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace thorax::nn
