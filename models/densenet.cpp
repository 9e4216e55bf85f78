#include "models/densenet.h"

#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/pool.h"
#include "autograd/view.h"
#include "nn/init.h"
#include "nn/pooling.h"

namespace thorax::models {

using nn::Conv2dConfig;

DenseLayer::DenseLayer(int64_t in, int64_t growth, int64_t bottleneck) {
  norm1_ = register_module("norm1", std::make_shared<nn::BatchNorm2d>(in));
  relu1_ = register_module("relu1", nn::make_activation(nn::ActivationKind::relu));
  conv1_ = register_module("conv1", std::make_shared<nn::Conv2d>(Conv2dConfig{.in = in, .out = bottleneck, .bias = false}));
  norm2_ = register_module("norm2", std::make_shared<nn::BatchNorm2d>(bottleneck));
  relu2_ = register_module("relu2", nn::make_activation(nn::ActivationKind::relu));
  conv2_ = register_module("conv2", std::make_shared<nn::Conv2d>(Conv2dConfig{
                                        .in = bottleneck, .out = growth, .kernel = {3, 3}, .padding = {1, 1}, .bias = false}));
}

Tensor DenseLayer::forward(const Tensor& x) {
  Tensor h = (*conv1_)((*relu1_)((*norm1_)(x)));
  return (*conv2_)((*relu2_)((*norm2_)(h)));
}

DenseBlock::DenseBlock(int64_t layers, int64_t in, int64_t growth, int64_t bottleneck) {
  for (int64_t i = 0; i < layers; ++i)
    register_module("denselayer" + std::to_string(i + 1), std::make_shared<DenseLayer>(in + i * growth, growth, bottleneck));
}

Tensor DenseBlock::forward(const Tensor& x) {
  std::vector<Tensor> features{x};
  for (auto& [name, layer] : children()) features.push_back((*layer)(cat(features, 1)));
  return cat(features, 1);
}

DenseNet::DenseNet(const std::string& name, std::vector<int64_t> block_config, ModelArgs args) : Model(name, args, 29) {
  constexpr int64_t growth = 32, init_features = 64, bottleneck = 4 * growth;
  features_ = register_module("features", std::make_shared<nn::Sequential>());
  features_->add("conv0", std::make_shared<nn::Conv2d>(Conv2dConfig{.in = args.in_channels, .out = init_features,
                                                                    .kernel = {7, 7}, .stride = {2, 2},
                                                                    .padding = {3, 3}, .bias = false}));
  features_->add("norm0", std::make_shared<nn::BatchNorm2d>(init_features));
  features_->add("relu0", nn::make_activation(nn::ActivationKind::relu));
  features_->add("pool0", std::make_shared<nn::MaxPool2d>(std::array<int64_t, 2>{3, 3},
                                                          MaxPool2dOptions{.stride = {2, 2}, .padding = {1, 1}}));
  int64_t channels = init_features;
  for (size_t i = 0; i < block_config.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    features_->add("denseblock" + n, std::make_shared<DenseBlock>(block_config[i], channels, growth, bottleneck));
    channels += block_config[i] * growth;
    if (i + 1 == block_config.size()) break;
    auto transition = std::make_shared<nn::Sequential>();
    transition->add("norm", std::make_shared<nn::BatchNorm2d>(channels));
    transition->add("relu", nn::make_activation(nn::ActivationKind::relu));
    transition->add("conv", std::make_shared<nn::Conv2d>(Conv2dConfig{.in = channels, .out = channels / 2, .bias = false}));
    transition->add("pool", std::make_shared<nn::AvgPool2d>(std::array<int64_t, 2>{2, 2}));
    features_->add("transition" + n, transition);
    channels /= 2;
  }
  features_->add("norm5", std::make_shared<nn::BatchNorm2d>(channels));
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(channels, args.num_classes));
}

std::vector<std::string> DenseNet::stages() const {
  return {"features.denseblock1", "features.denseblock2", "features.denseblock3", "features.norm5"};
}

ModelOutput DenseNet::forward_output(const Tensor& x, const Tensor&) {
  ModelOutput out;
  out.features = flatten(adaptive_avg_pool2d(relu((*features_)(x)), {1, 1}), 1);
  out.logits = (*classifier_)(out.features);
  return out;
}

void DenseNet::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules()) {
    if (auto* conv = dynamic_cast<nn::Conv2d*>(m)) {
      nn::init::kaiming_normal(conv->weight, nn::init::FanMode::fan_in, nn::init::gain("relu"), gen);
    } else if (auto* fc = dynamic_cast<nn::Linear*>(m)) {
      fc->reset_own_parameters(gen);
      fc->bias.fill(0.0);
    } else {
      m->reset_own_parameters(gen);
    }
  }
}

}  // namespace thorax::models
