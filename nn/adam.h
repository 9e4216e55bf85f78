// Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter), PyTorch's rules:
//   Adam:  g += wd·p (L2);  AdamW: p −= lr·wd·p (decoupled);  then for both
//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε).
#pragma once
#include "nn/optimizer.h"

namespace thorax::nn {

struct AdamOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool decoupled_weight_decay = false;  // true = AdamW
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<ParamGroup> groups, AdamOptions opt = {});
  void step() override;

 private:
  AdamOptions opt_;
};

// AdamW: Adam with decoupled weight decay (PyTorch's default weight_decay for AdamW is 0.01: set it in
// the groups).
class AdamW : public Adam {
 public:
  AdamW(std::vector<ParamGroup> groups, AdamOptions opt = {}) : Adam(std::move(groups), decoupled(opt)) {}

 private:
  static AdamOptions decoupled(AdamOptions o) {
    o.decoupled_weight_decay = true;
    return o;
  }
};

}  // namespace thorax::nn
