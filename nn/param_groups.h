// Parameter groups for the optimizers (nn/optimizer.h) chosen by name prefix, e.g. a pretrained encoder
// learning ten times slower than a new head:
//   param_groups(model, {1e-3, 1e-4}, {{"fc", 1e-2, 0.0}})
// Each trainable parameter goes to the first rule whose prefix names it ("fc" matches "fc.weight", not
// "fc2.weight"); the rest form the default group, listed first. Frozen parameters are left out.
#pragma once
#include <string>
#include <vector>

#include "nn/module.h"
#include "nn/optimizer.h"

namespace thorax::nn {

struct GroupRule {
  std::string prefix;
  double lr = 1e-3;
  double weight_decay = 0.0;
};

struct GroupDefaults {
  double lr = 1e-3;
  double weight_decay = 0.0;
};

// A rule that matches no trainable parameter is an error (a typo would otherwise change nothing);
// groups left empty are dropped.
std::vector<ParamGroup> param_groups(const Module& model, GroupDefaults defaults, const std::vector<GroupRule>& rules = {});

}  // namespace thorax::nn
