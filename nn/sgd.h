// SGD with momentum, dampening, Nesterov and L2 weight decay — PyTorch's torch.optim.SGD rule:
//   d = g + wd·p;  b = d (first step) or μ·b + (1 − dampening)·d;  d = d + μ·b (Nesterov) or b;  p −= lr·d.
#pragma once
#include "nn/optimizer.h"

namespace thorax::nn {

struct SgdOptions {
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
};

class Sgd : public Optimizer {
 public:
  Sgd(std::vector<ParamGroup> groups, SgdOptions opt = {});
  void step() override;

 private:
  SgdOptions opt_;
};

}  // namespace thorax::nn
