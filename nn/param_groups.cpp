#include "nn/param_groups.h"

#include <stdexcept>

namespace thorax::nn {

std::vector<ParamGroup> param_groups(const Module& model, GroupDefaults defaults, const std::vector<GroupRule>& rules) {
  std::vector<ParamGroup> groups(rules.size() + 1);
  groups[0].lr = defaults.lr;
  groups[0].weight_decay = defaults.weight_decay;
  for (size_t r = 0; r < rules.size(); ++r) {
    groups[r + 1].lr = rules[r].lr;
    groups[r + 1].weight_decay = rules[r].weight_decay;
  }
  for (const auto& [name, p] : model.named_parameters()) {
    if (!p.requires_grad()) continue;
    size_t g = 0;
    for (size_t r = 0; r < rules.size() && g == 0; ++r)
      if (name_under_prefix(name, rules[r].prefix)) g = r + 1;
    groups[g].params.push_back(p);
  }
  for (size_t r = 0; r < rules.size(); ++r)
    if (groups[r + 1].params.empty())
      throw std::invalid_argument("parameter group '" + rules[r].prefix +
                                  "' matches no trainable parameter (check the name, or whether it is frozen or taken "
                                  "by an earlier group)");
  std::vector<ParamGroup> out;
  for (auto& g : groups)
    if (!g.params.empty()) out.push_back(std::move(g));
  return out;
}

}  // namespace thorax::nn
