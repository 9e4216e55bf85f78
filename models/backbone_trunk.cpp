#include "models/backbone_trunk.h"

#include <algorithm>
#include <stdexcept>

#include "models/conv_norm_act.h"
#include "models/registry.h"
#include "nn/init.h"

namespace thorax::models {

namespace {

struct TrunkRule {
  const char* backbone;
  std::vector<std::string> head;  // the backbone's top-level modules that are not part of the trunk
  int64_t channels;
};

const std::vector<TrunkRule>& rules() {
  static const std::vector<TrunkRule> table = {
      {"mobilenet_v2", {"classifier"}, 1280},
      {"inception_v3", {"AuxLogits", "avgpool", "dropout", "fc"}, 2048},
      {"vgg16", {"avgpool", "classifier"}, 512},
      {"vgg16_bn", {"avgpool", "classifier"}, 512},
      {"xception", {"global_pool", "fc"}, 2048},
      {"resnet18", {"avgpool", "fc"}, 512},
      {"resnet34", {"avgpool", "fc"}, 512},
      {"resnet50", {"avgpool", "fc"}, 2048},
      {"resnet101", {"avgpool", "fc"}, 2048},
      {"efficientnet_b0", {"avgpool", "classifier"}, 1280},
  };
  return table;
}

}  // namespace

std::vector<std::string> trunk_backbones() {
  std::vector<std::string> names;
  for (const TrunkRule& r : rules()) names.push_back(r.backbone);
  return names;
}

Trunk make_trunk(const std::string& backbone, int64_t in_channels) {
  auto rule = std::find_if(rules().begin(), rules().end(), [&](const TrunkRule& r) { return backbone == r.backbone; });
  if (rule == rules().end()) {
    std::string known;
    for (const std::string& n : trunk_backbones()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("no backbone trunk '" + backbone + "' (backbones with one: " + known + ")");
  }
  // Each of these backbones runs its top-level modules in registration order, so the trunk is the list without
  // the head. The whole backbone is built zero-filled and its head dropped with it.
  std::unique_ptr<Model> full =
      create_model_for_loading(backbone, ModelArgs{.in_channels = in_channels, .num_classes = 1});
  Trunk t;
  t.backbone = backbone;
  t.body = std::make_shared<nn::Sequential>();
  for (const auto& [name, child] : full->children())
    if (std::find(rule->head.begin(), rule->head.end(), name) == rule->head.end()) t.body->add(name, child);
  t.channels = rule->channels;
  t.min_size = full->min_size();
  t.stages = full->stages();
  return t;
}

void initialize_trunk(const Trunk& trunk, Generator& gen) {
  for (auto& [name, m] : trunk.body->named_modules()) {
    auto* conv = dynamic_cast<nn::Conv2d*>(m);
    if (conv && trunk.backbone == "inception_v3")
      nn::init::trunc_normal(conv->weight, 0.0, 0.1, -2.0, 2.0, gen);
    else if (!init_conv_or_norm(*m, gen))
      m->reset_own_parameters(gen);
  }
}

}  // namespace thorax::models
