#include "nn/batch_norm.h"

#include <sstream>
#include <stdexcept>

#include "autograd/normalization.h"

namespace thorax::nn {

BatchNorm2d::BatchNorm2d(int64_t num_features, const BatchNormConfig& config) : c_(num_features), cfg_(config) {
  if (num_features < 1) throw std::invalid_argument("BatchNorm2d: num_features must be positive");
  if (cfg_.affine) {
    weight = register_parameter("weight", Tensor::ones({c_}));
    bias = register_parameter("bias", Tensor::zeros({c_}));
  }
  if (cfg_.track_running_stats) {
    running_mean = register_buffer("running_mean", Tensor::zeros({c_}));
    running_var = register_buffer("running_var", Tensor::ones({c_}));
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor::zeros({}, DType::i64));
  }
}

std::string BatchNorm2d::extra_repr() const {
  std::ostringstream s;
  s << c_ << ", eps=" << cfg_.eps << ", momentum=" << cfg_.momentum << ", affine=" << (cfg_.affine ? "True" : "False")
    << ", track_running_stats=" << (cfg_.track_running_stats ? "True" : "False");
  return s.str();
}

Tensor BatchNorm2d::forward(const Tensor& x) {
  if (x.dim() != 4 || x.size(1) != c_)
    throw std::invalid_argument("BatchNorm2d(" + std::to_string(c_) + "): expects input (N, " + std::to_string(c_) +
                                ", H, W), got " + shape_str(x.shape()));
  // Without running statistics PyTorch normalizes with the batch's, in eval mode too.
  const bool use_batch_stats = training() || !cfg_.track_running_stats;
  if (training() && cfg_.track_running_stats) num_batches_tracked.data<int64_t>()[0] += 1;
  return batch_norm(x, running_mean, running_var, weight, bias, use_batch_stats,
                    cfg_.momentum, cfg_.eps);
}

void BatchNorm2d::reset_own_parameters(Generator&) {
  if (cfg_.affine) {
    weight.fill(1.0);
    bias.fill(0.0);
  }
  if (cfg_.track_running_stats) {
    running_mean.fill(0.0);
    running_var.fill(1.0);
    num_batches_tracked.fill(0.0);
  }
}

}  // namespace thorax::nn
