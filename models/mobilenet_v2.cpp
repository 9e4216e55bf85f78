#include "models/mobilenet_v2.h"

#include "autograd/elementwise.h"
#include "autograd/pool.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "nn/init.h"

namespace thorax::models {

using nn::ActivationKind;

InvertedResidual::InvertedResidual(int64_t in, int64_t out, int64_t stride, int64_t expand_ratio)
    : residual_(stride == 1 && in == out) {
  const int64_t hidden = in * expand_ratio;
  conv_ = register_module("conv", std::make_shared<nn::Sequential>());
  if (expand_ratio != 1)
    conv_->push_back(std::make_shared<Conv2dNormActivation>(
        ConvNormActConfig{.in = in, .out = hidden, .kernel = 1, .activation = ActivationKind::relu6}));
  conv_->push_back(std::make_shared<Conv2dNormActivation>(ConvNormActConfig{
      .in = hidden, .out = hidden, .kernel = 3, .stride = stride, .groups = hidden, .activation = ActivationKind::relu6}));
  conv_->push_back(std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = hidden, .out = out, .bias = false}));
  conv_->push_back(std::make_shared<nn::BatchNorm2d>(out));
}

Tensor InvertedResidual::forward(const Tensor& x) { return residual_ ? x + (*conv_)(x) : (*conv_)(x); }

MobileNetV2::MobileNetV2(ModelArgs args) : Model("mobilenet_v2", args, 1) {
  features_ = register_module("features", std::make_shared<nn::Sequential>());
  features_->push_back(std::make_shared<Conv2dNormActivation>(ConvNormActConfig{
      .in = args.in_channels, .out = 32, .kernel = 3, .stride = 2, .activation = ActivationKind::relu6}));
  // (expansion t, channels c, repeats n, first stride s), torchvision's table for width 1.0.
  const int64_t settings[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
                                  {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int64_t channels = 32;
  for (const auto& s : settings)
    for (int64_t i = 0; i < s[2]; ++i) {
      features_->push_back(std::make_shared<InvertedResidual>(channels, s[1], i == 0 ? s[3] : 1, s[0]));
      channels = s[1];
    }
  features_->push_back(std::make_shared<Conv2dNormActivation>(
      ConvNormActConfig{.in = channels, .out = 1280, .kernel = 1, .activation = ActivationKind::relu6}));
  classifier_ = register_module("classifier", std::make_shared<nn::Sequential>());
  classifier_->push_back(std::make_shared<nn::Dropout>(0.2));
  classifier_->push_back(std::make_shared<nn::Linear>(1280, args.num_classes));
}

std::vector<std::string> MobileNetV2::stages() const {
  return {"features.1", "features.3", "features.6", "features.13", "features.18"};
}

ModelOutput MobileNetV2::forward_output(const Tensor& x, const Tensor&) {
  ModelOutput out;
  out.features = flatten(adaptive_avg_pool2d((*features_)(x), {1, 1}), 1);
  out.logits = (*classifier_)(out.features);
  return out;
}

void MobileNetV2::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules()) {
    if (init_conv_or_norm(*m, gen)) continue;
    if (auto* fc = dynamic_cast<nn::Linear*>(m)) {
      nn::init::normal(fc->weight, 0.0, 0.01, gen);
      fc->bias.fill(0.0);
    }
  }
}

}  // namespace thorax::models
