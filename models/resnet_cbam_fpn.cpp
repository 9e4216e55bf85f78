#include "models/resnet_cbam_fpn.h"

#include "autograd/join.h"
#include "autograd/pool.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "models/residual_layer.h"

namespace thorax::models {

namespace {
constexpr int64_t kDefaultWidth = 64;
}

ResNetCbamFpn::ResNetCbamFpn(ModelArgs args) : Model("resnet50_cbam_fpn", args, 1, {"width"}) {
  const int64_t w = args.width ? args.width : kDefaultWidth;
  conv1_ = register_module("conv1", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{
                                        .in = args.in_channels, .out = w, .kernel = {7, 7}, .stride = {2, 2},
                                        .padding = {3, 3}, .bias = false}));
  bn1_ = register_module("bn1", std::make_shared<nn::BatchNorm2d>(w));
  relu_ = register_module("relu", nn::make_activation(nn::ActivationKind::relu));
  maxpool_ = register_module("maxpool", std::make_shared<nn::MaxPool2d>(
                                            std::array<int64_t, 2>{3, 3},
                                            MaxPool2dOptions{.stride = {2, 2}, .padding = {1, 1}}));
  const int64_t blocks[4] = {3, 4, 6, 3};
  int64_t inplanes = w;
  std::vector<int64_t> widths;
  for (int i = 0; i < 4; ++i) {
    layers_.push_back(register_module("layer" + std::to_string(i + 1),
                                      residual_layer(true, inplanes, w << i, blocks[i], i == 0 ? 1 : 2)));
    widths.push_back(inplanes);
  }
  // Registered after the trunk so that its names and order stay torchvision's.
  for (int i = 0; i < 4; ++i)
    cbam_.push_back(register_module("cbam" + std::to_string(i + 1), std::make_shared<nn::CBAM>(widths[i])));
  fpn_ = register_module("fpn", std::make_shared<nn::FeaturePyramid>(widths, 4 * w));
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(4 * 4 * w, args.num_classes));
}

ModelOutput ResNetCbamFpn::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = (*maxpool_)((*relu_)((*bn1_)((*conv1_)(x))));
  std::vector<Tensor> levels;
  for (size_t i = 0; i < layers_.size(); ++i) {
    h = (*cbam_[i])((*layers_[i])(h));
    levels.push_back(h);
  }
  std::vector<Tensor> pooled;
  for (const Tensor& p : fpn_->forward_levels(levels)) pooled.push_back(flatten(adaptive_avg_pool2d(p, {1, 1}), 1));
  ModelOutput out;
  out.features = cat(pooled, 1);
  out.logits = (*classifier_)(out.features);
  return out;
}

void ResNetCbamFpn::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules())
    if (!init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);
}

}  // namespace thorax::models
