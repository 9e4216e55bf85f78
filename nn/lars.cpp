#include "nn/lars.h"

#include <cmath>
#include <vector>

namespace thorax::nn {

Lars::Lars(std::vector<ParamGroup> groups, LarsOptions opt) : Optimizer(std::move(groups)), opt_(opt) {}

void Lars::step() {
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& group = groups_[gi];
    for (size_t j = 0; j < group.params.size(); ++j) {
      const Tensor& p = group.params[j];
      if (!p.grad().defined()) continue;
      Tensor g = p.grad().contiguous();
      float* w = p.data<float>();
      const float* gr = g.data<float>();
      float* v = slot(gi, j, "momentum_buffer").data<float>();
      const int64_t n = p.numel();
      const bool adapt = p.dim() > 1;
      const double wd = adapt ? group.weight_decay : 0.0;
      std::vector<float> d(static_cast<size_t>(n));
      double wn = 0, dn = 0;
      for (int64_t i = 0; i < n; ++i) {
        d[i] = static_cast<float>(gr[i] + wd * w[i]);
        wn += static_cast<double>(w[i]) * w[i];
        dn += static_cast<double>(d[i]) * d[i];
      }
      wn = std::sqrt(wn);
      dn = std::sqrt(dn);
      const double trust = adapt && wn > 0 && dn > 0 ? opt_.eta * wn / dn : 1.0;
      const float scaled_lr = static_cast<float>(group.lr * trust), mu = static_cast<float>(opt_.momentum);
      for (int64_t i = 0; i < n; ++i) {
        v[i] = mu * v[i] + scaled_lr * d[i];
        w[i] -= v[i];
      }
    }
  }
  ++steps_;
}

}  // namespace thorax::nn
