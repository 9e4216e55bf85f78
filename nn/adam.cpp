#include "nn/adam.h"

#include <cmath>

namespace thorax::nn {

Adam::Adam(std::vector<ParamGroup> groups, AdamOptions opt) : Optimizer(std::move(groups)), opt_(opt) {}

void Adam::step() {
  const int64_t t = steps_ + 1;
  const double bc1 = 1 - std::pow(opt_.beta1, static_cast<double>(t));
  const double bc2_sqrt = std::sqrt(1 - std::pow(opt_.beta2, static_cast<double>(t)));
  const float b1 = static_cast<float>(opt_.beta1), b2 = static_cast<float>(opt_.beta2), eps = static_cast<float>(opt_.eps);
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& group = groups_[gi];
    const float step_size = static_cast<float>(group.lr / bc1);
    const float inv_bc2 = static_cast<float>(1.0 / bc2_sqrt);
    const float wd = static_cast<float>(group.weight_decay);
    const float decay = static_cast<float>(1.0 - group.lr * group.weight_decay);
    for (size_t j = 0; j < group.params.size(); ++j) {
      const Tensor& p = group.params[j];
      if (!p.grad().defined()) continue;
      Tensor g = p.grad().contiguous();
      float* w = p.data<float>();
      const float* gr = g.data<float>();
      float* m = slot(gi, j, "exp_avg").data<float>();
      float* v = slot(gi, j, "exp_avg_sq").data<float>();
      const int64_t n = p.numel();
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) {
        float gi_ = gr[i];
        if (opt_.decoupled_weight_decay) w[i] *= decay;
        else gi_ += wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * gi_;
        v[i] = b2 * v[i] + (1 - b2) * gi_ * gi_;
        w[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_bc2 + eps);
      }
    }
  }
  ++steps_;
}

}  // namespace thorax::nn
