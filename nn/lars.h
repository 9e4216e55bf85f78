// LARS (You et al. 2017) as SimCLR trains with it (its TensorFlow LARSOptimizer):
//   d = g + wd·p;  trust = η·‖p‖/‖d‖ (1 when either norm is 0);  v = μ·v + lr·trust·d;  p −= v.
// Parameters with one dimension or fewer (biases, batch-norm scales) are excluded from both weight decay
// and the trust ratio, as SimCLR does.
#pragma once
#include "nn/optimizer.h"

namespace thorax::nn {

struct LarsOptions {
  double momentum = 0.9;
  double eta = 0.001;  // trust coefficient
};

class Lars : public Optimizer {
 public:
  Lars(std::vector<ParamGroup> groups, LarsOptions opt = {});
  void step() override;

 private:
  LarsOptions opt_;
};

}  // namespace thorax::nn
