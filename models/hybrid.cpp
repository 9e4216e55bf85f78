#include "models/hybrid.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "autograd/join.h"
#include "autograd/pool.h"
#include "autograd/reduce.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "models/model_spec.h"

namespace thorax::models {

namespace {

constexpr const char* kArch = "hybrid";
constexpr int64_t kDefaultWidth = 256;

std::vector<Trunk> make_trunks(const ModelArgs& args) {
  const std::vector<std::string> names =
      option_list(args, kArch, "backbones", {"mobilenet_v2", "inception_v3", "vgg16"});
  std::vector<Trunk> trunks;
  for (const std::string& name : names) {
    if (std::count(names.begin(), names.end(), name) > 1)
      throw std::invalid_argument(std::string(kArch) + ": backbone '" + name + "' is listed twice");
    trunks.push_back(make_trunk(name, args.in_channels));
  }
  return trunks;
}

int64_t largest_min_size(const std::vector<Trunk>& trunks) {
  int64_t m = 1;
  for (const Trunk& t : trunks) m = std::max(m, t.min_size);
  return m;
}

}  // namespace

Hybrid::Hybrid(ModelArgs args) : Hybrid(args, make_trunks(args)) {}

Hybrid::Hybrid(ModelArgs args, std::vector<Trunk> trunks)
    : Model(kArch, args, largest_min_size(trunks), {"width", "backbones", "lstm", "pool"}), trunks_(std::move(trunks)) {
  const int64_t d = args.width ? args.width : kDefaultWidth;
  const std::string lstm = option_text(args, kArch, "lstm", "bi", {"bi", "uni", "none"});
  const std::string pool = option_text(args, kArch, "pool", "attention", {"attention", "mean"});
  if (lstm == "bi" && d % 2)
    throw std::invalid_argument(std::string(kArch) + ": a bidirectional LSTM splits the width in two directions, so it "
                                "must be even, got " + std::to_string(d));
  for (const Trunk& t : trunks_) register_module(t.backbone, t.body);
  auto proj = register_module("proj", std::make_shared<nn::Sequential>());  // a container: one entry per backbone
  for (const Trunk& t : trunks_)
    proj_.push_back(proj->add(t.backbone, std::make_shared<Conv2dNormActivation>(
                                              ConvNormActConfig{.in = t.channels, .out = d, .kernel = 1})));
  fuse_ = register_module("fuse", std::make_shared<Conv2dNormActivation>(ConvNormActConfig{
                                      .in = d * static_cast<int64_t>(trunks_.size()), .out = d, .kernel = 1}));
  if (lstm != "none")
    lstm_ = register_module("lstm", std::make_shared<nn::LSTM>(nn::LstmConfig{.input_size = d,
                                                                            .hidden_size = lstm == "bi" ? d / 2 : d,
                                                                            .batch_first = true,
                                                                            .bidirectional = lstm == "bi"}));
  if (pool == "attention")
    attention_ = register_module("attention", std::make_shared<nn::AttentionPool>(d, std::max<int64_t>(d / 2, 1)));
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(d, args.num_classes));
}

std::vector<std::string> Hybrid::stages() const {
  std::vector<std::string> s;
  for (const Trunk& t : trunks_)
    for (const std::string& stage : t.stages) s.push_back(t.backbone + "." + stage);
  s.push_back("fuse");
  return s;
}

ModelOutput Hybrid::forward_output(const Tensor& x, const Tensor&) {
  std::vector<Tensor> grids;
  int64_t gh = std::numeric_limits<int64_t>::max(), gw = gh;
  for (size_t i = 0; i < trunks_.size(); ++i) {
    grids.push_back((*proj_[i])((*trunks_[i].body)(x)));
    gh = std::min(gh, grids.back().size(2));
    gw = std::min(gw, grids.back().size(3));
  }
  for (Tensor& g : grids)
    if (g.size(2) != gh || g.size(3) != gw) g = adaptive_avg_pool2d(g, {gh, gw});
  const Tensor fused = (*fuse_)(grids.size() == 1 ? grids[0] : cat(grids, 1));  // (N, d, gh, gw)
  Tensor tokens = transpose(flatten(fused, 2), 1, 2);                           // (N, gh·gw, d), row by row
  if (lstm_) tokens = (*lstm_)(tokens);
  ModelOutput out;
  out.features = attention_ ? (*attention_)(tokens) : mean(tokens, {1});
  out.logits = (*classifier_)(out.features);
  return out;
}

void Hybrid::initialize(Generator& gen) {
  for (const Trunk& t : trunks_) initialize_trunk(t, gen);
  for (auto& [path, m] : named_modules()) {
    const std::string& name = path;  // a structured binding cannot be captured by clang 14's lambdas
    const bool in_trunk = std::any_of(trunks_.begin(), trunks_.end(),
                                      [&](const Trunk& t) { return nn::name_under_prefix(name, t.backbone); });
    if (!in_trunk && !init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);
  }
}

}  // namespace thorax::models
