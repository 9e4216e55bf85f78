#include "models/efficientnet.h"

#include <cmath>

#include "autograd/elementwise.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "nn/init.h"
#include "nn/squeeze_excitation.h"

namespace thorax::models {

using nn::ActivationKind;

MBConv::MBConv(int64_t expand_ratio, int64_t kernel, int64_t stride, int64_t in, int64_t out, double sd_prob)
    : residual_(stride == 1 && in == out) {
  block_ = register_module("block", std::make_shared<nn::Sequential>());
  const int64_t expanded = in * expand_ratio;
  if (expanded != in)
    block_->push_back(std::make_shared<Conv2dNormActivation>(
        ConvNormActConfig{.in = in, .out = expanded, .kernel = 1, .activation = ActivationKind::silu}));
  block_->push_back(std::make_shared<Conv2dNormActivation>(ConvNormActConfig{
      .in = expanded, .out = expanded, .kernel = kernel, .stride = stride, .groups = expanded,
      .activation = ActivationKind::silu}));
  block_->push_back(std::make_shared<nn::SqueezeExcitation>(expanded, std::max<int64_t>(1, in / 4), ActivationKind::silu));
  block_->push_back(std::make_shared<Conv2dNormActivation>(
      ConvNormActConfig{.in = expanded, .out = out, .kernel = 1, .activation = std::nullopt}));
  stochastic_depth_ = register_module("stochastic_depth", std::make_shared<nn::StochasticDepth>(sd_prob));
}

Tensor MBConv::forward(const Tensor& x) {
  Tensor y = (*block_)(x);
  return residual_ ? (*stochastic_depth_)(y) + x : y;
}

EfficientNet::EfficientNet(ModelArgs args) : Model("efficientnet_b0", args, 1) {
  features_ = register_module("features", std::make_shared<nn::Sequential>());
  features_->push_back(std::make_shared<Conv2dNormActivation>(ConvNormActConfig{
      .in = args.in_channels, .out = 32, .kernel = 3, .stride = 2, .activation = ActivationKind::silu}));
  // (expand ratio, kernel, stride, in, out, layers): torchvision's B0 table (width and depth 1.0).
  const int64_t settings[7][6] = {{1, 3, 1, 32, 16, 1},   {6, 3, 2, 16, 24, 2},  {6, 5, 2, 24, 40, 2},
                                  {6, 3, 2, 40, 80, 3},   {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4},
                                  {6, 3, 1, 192, 320, 1}};
  int64_t total = 0, id = 0;
  for (const auto& s : settings) total += s[5];
  for (const auto& s : settings) {
    auto stage = std::make_shared<nn::Sequential>();
    for (int64_t i = 0; i < s[5]; ++i) {
      const double sd_prob = 0.2 * static_cast<double>(id++) / static_cast<double>(total);
      stage->push_back(std::make_shared<MBConv>(s[0], s[1], i == 0 ? s[2] : 1, i == 0 ? s[3] : s[4], s[4], sd_prob));
    }
    features_->push_back(stage);
  }
  features_->push_back(std::make_shared<Conv2dNormActivation>(
      ConvNormActConfig{.in = 320, .out = 1280, .kernel = 1, .activation = ActivationKind::silu}));
  avgpool_ = register_module("avgpool", std::make_shared<nn::AdaptiveAvgPool2d>(std::array<int64_t, 2>{1, 1}));
  classifier_ = register_module("classifier", std::make_shared<nn::Sequential>());
  classifier_->push_back(std::make_shared<nn::Dropout>(0.2));
  classifier_->push_back(std::make_shared<nn::Linear>(1280, args.num_classes));
}

std::vector<std::string> EfficientNet::stages() const {
  return {"features.1", "features.2", "features.3", "features.5", "features.8"};
}

ModelOutput EfficientNet::forward_output(const Tensor& x, const Tensor&) {
  ModelOutput out;
  out.features = flatten((*avgpool_)((*features_)(x)), 1);
  out.logits = (*classifier_)(out.features);
  return out;
}

void EfficientNet::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules()) {
    if (init_conv_or_norm(*m, gen)) continue;
    if (auto* fc = dynamic_cast<nn::Linear*>(m)) {
      const double range = 1.0 / std::sqrt(static_cast<double>(fc->out_features()));
      nn::init::uniform(fc->weight, -range, range, gen);
      fc->bias.fill(0.0);
    }
  }
}

}  // namespace thorax::models
