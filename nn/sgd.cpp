#include "nn/sgd.h"

#include <stdexcept>

namespace thorax::nn {

Sgd::Sgd(std::vector<ParamGroup> groups, SgdOptions opt) : Optimizer(std::move(groups)), opt_(opt) {
  if (opt.nesterov && (opt.momentum <= 0 || opt.dampening != 0))
    throw std::invalid_argument("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
}

void Sgd::step() {
  const bool first = steps_ == 0;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& group = groups_[gi];
    const float lr = static_cast<float>(group.lr), wd = static_cast<float>(group.weight_decay);
    const float mu = static_cast<float>(opt_.momentum), damp = static_cast<float>(opt_.dampening);
    for (size_t j = 0; j < group.params.size(); ++j) {
      const Tensor& p = group.params[j];
      if (!p.grad().defined()) continue;
      Tensor g = p.grad().contiguous();
      float* w = p.data<float>();
      const float* gr = g.data<float>();
      float* buf = mu != 0 ? slot(gi, j, "momentum_buffer").data<float>() : nullptr;
      const int64_t n = p.numel();
      for (int64_t i = 0; i < n; ++i) {
        float d = gr[i] + wd * w[i];
        if (buf) {
          buf[i] = first ? d : mu * buf[i] + (1 - damp) * d;
          d = opt_.nesterov ? d + mu * buf[i] : buf[i];
        }
        w[i] -= lr * d;
      }
    }
  }
  ++steps_;
}

}  // namespace thorax::nn
