// BatchNorm2d: PyTorch's nn.BatchNorm2d. Parameters "weight", "bias"; buffers "running_mean",
// "running_var" and "num_batches_tracked" (int64, counts training-mode calls as PyTorch does; it only
// matters to PyTorch when momentum is None, and files without it load as 0).
// Training mode normalizes with the batch statistics and updates the running ones through
// thorax::batch_norm; eval mode normalizes with the running statistics.
#pragma once
#include "nn/module.h"

namespace thorax::nn {

struct BatchNormConfig {
  double eps = 1e-5;
  double momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
};

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int64_t num_features, const BatchNormConfig& config = {});
  std::string type_name() const override { return "BatchNorm2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;
  void reset_own_parameters(Generator& gen) override;

  int64_t num_features() const { return c_; }
  const BatchNormConfig& config() const { return cfg_; }
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 private:
  int64_t c_;
  BatchNormConfig cfg_;
};

}  // namespace thorax::nn
