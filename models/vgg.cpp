#include "models/vgg.h"

#include "autograd/view.h"
#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/dropout.h"
#include "nn/init.h"
#include "nn/linear.h"

namespace thorax::models {

Vgg::Vgg(const std::string& name, bool batch_norm, ModelArgs args) : Model(name, args, 32) {
  features_ = register_module("features", std::make_shared<nn::Sequential>());
  constexpr int64_t M = 0;  // max pool
  const int64_t cfg_d[] = {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
  int64_t in = args.in_channels;
  for (int64_t v : cfg_d) {
    if (v == M) {
      stages_.push_back("features." + std::to_string(features_->size() - 1));
      features_->push_back(std::make_shared<nn::MaxPool2d>(std::array<int64_t, 2>{2, 2}));
      continue;
    }
    features_->push_back(
        std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = in, .out = v, .kernel = {3, 3}, .padding = {1, 1}}));
    if (batch_norm) features_->push_back(std::make_shared<nn::BatchNorm2d>(v));
    features_->push_back(nn::make_activation(nn::ActivationKind::relu));
    in = v;
  }
  avgpool_ = register_module("avgpool", std::make_shared<nn::AdaptiveAvgPool2d>(std::array<int64_t, 2>{7, 7}));
  classifier_ = register_module("classifier", std::make_shared<nn::Sequential>());
  classifier_->push_back(std::make_shared<nn::Linear>(512 * 7 * 7, 4096));
  classifier_->push_back(nn::make_activation(nn::ActivationKind::relu));
  classifier_->push_back(std::make_shared<nn::Dropout>(0.5));
  classifier_->push_back(std::make_shared<nn::Linear>(4096, 4096));
  classifier_->push_back(nn::make_activation(nn::ActivationKind::relu));
  classifier_->push_back(std::make_shared<nn::Dropout>(0.5));
  classifier_->push_back(std::make_shared<nn::Linear>(4096, args.num_classes));
}

ModelOutput Vgg::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = flatten((*avgpool_)((*features_)(x)), 1);
  const auto& head = classifier_->children();
  for (size_t i = 0; i + 2 < head.size(); ++i) h = (*head[i].second)(h);
  ModelOutput out;
  out.features = h;
  out.logits = (*head[head.size() - 1].second)((*head[head.size() - 2].second)(h));
  return out;
}

void Vgg::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules()) {
    if (auto* conv = dynamic_cast<nn::Conv2d*>(m)) {
      nn::init::kaiming_normal(conv->weight, nn::init::FanMode::fan_out, nn::init::gain("relu"), gen);
      conv->bias.fill(0.0);
    } else if (auto* fc = dynamic_cast<nn::Linear*>(m)) {
      nn::init::normal(fc->weight, 0.0, 0.01, gen);
      fc->bias.fill(0.0);
    } else {
      m->reset_own_parameters(gen);
    }
  }
}

}  // namespace thorax::models
