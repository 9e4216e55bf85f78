#include "models/chest_attention_net.h"

#include "autograd/pool.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "models/residual_layer.h"
#include "nn/cbam.h"
#include "nn/pooling.h"

namespace thorax::models {

namespace {
constexpr int64_t kDefaultWidth = 32;
}

ChestAttentionNet::ChestAttentionNet(ModelArgs args) : Model("chest_attention_net", args, 1, {"width"}) {
  const int64_t w = args.width ? args.width : kDefaultWidth;
  // A Sequential named like ResNet's stem modules: conv1, bn1, relu, maxpool.
  stem_ = register_module("stem", std::make_shared<nn::Sequential>());
  stem_->add("conv1", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = args.in_channels, .out = w,
                                                                    .kernel = {3, 3}, .stride = {2, 2},
                                                                    .padding = {1, 1}, .bias = false}));
  stem_->add("bn1", std::make_shared<nn::BatchNorm2d>(w));
  stem_->add("relu", nn::make_activation(nn::ActivationKind::relu));
  stem_->add("maxpool", std::make_shared<nn::MaxPool2d>(std::array<int64_t, 2>{3, 3},
                                                        MaxPool2dOptions{.stride = {2, 2}, .padding = {1, 1}}));
  int64_t inplanes = w;
  for (int i = 0; i < 4; ++i) {
    auto layer = residual_layer(false, inplanes, w << i, 2, i == 0 ? 1 : 2);
    layer->add("attention", std::make_shared<nn::CBAM>(inplanes, 8));
    layers_.push_back(register_module("layer" + std::to_string(i + 1), layer));
  }
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(inplanes, args.num_classes));
}

ModelOutput ChestAttentionNet::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = (*stem_)(x);
  for (auto& layer : layers_) h = (*layer)(h);
  ModelOutput out;
  out.features = flatten(adaptive_avg_pool2d(h, {1, 1}), 1);
  out.logits = (*classifier_)(out.features);
  return out;
}

void ChestAttentionNet::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules())
    if (!init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);
}

}  // namespace thorax::models
