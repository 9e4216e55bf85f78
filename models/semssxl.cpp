#include "models/semssxl.h"

#include "autograd/pool.h"
#include "autograd/view.h"
#include "models/model_spec.h"
#include "nn/activation.h"

namespace thorax::models {

namespace {

constexpr const char* kArch = "semssxl";
constexpr int64_t kDefaultWidth = 512;

Trunk encoder_trunk(const ModelArgs& args) {
  return make_trunk(option_text(args, kArch, "encoder", "xception"), args.in_channels);
}

}  // namespace

SemSSXL::SemSSXL(ModelArgs args) : SemSSXL(args, encoder_trunk(args)) {}

SemSSXL::SemSSXL(ModelArgs args, Trunk encoder)
    : Model(kArch, args, encoder.min_size, {"width", "encoder"}), encoder_(std::move(encoder)) {
  const int64_t d = args.width ? args.width : kDefaultWidth;
  register_module(encoder_.backbone, encoder_.body);
  proj_ = register_module("proj", std::make_shared<nn::Sequential>());
  proj_->push_back(std::make_shared<nn::Linear>(encoder_.channels, d));
  proj_->push_back(nn::make_activation(nn::ActivationKind::relu));
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(d, args.num_classes));
}

std::vector<std::string> SemSSXL::stages() const {
  std::vector<std::string> s;
  for (const std::string& stage : encoder_.stages) s.push_back(encoder_.backbone + "." + stage);
  return s;
}

ModelOutput SemSSXL::forward_output(const Tensor& x, const Tensor&) {
  ModelOutput out;
  out.features = (*proj_)(flatten(adaptive_avg_pool2d((*encoder_.body)(x), {1, 1}), 1));
  out.logits = (*classifier_)(out.features);
  return out;
}

void SemSSXL::initialize(Generator& gen) {
  initialize_trunk(encoder_, gen);
  for (auto& [name, m] : named_modules())
    if (!nn::name_under_prefix(name, encoder_.backbone)) m->reset_own_parameters(gen);
}

}  // namespace thorax::models
