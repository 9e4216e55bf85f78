#include "models/xception.h"

#include "autograd/elementwise.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"

namespace thorax::models {

namespace {

std::shared_ptr<nn::Activation> relu() { return nn::make_activation(nn::ActivationKind::relu); }

}  // namespace

SeparableConv2d::SeparableConv2d(int64_t in, int64_t out, int64_t kernel, int64_t padding) {
  depthwise_ = register_module("conv1", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{
                                            .in = in, .out = in, .kernel = {kernel, kernel},
                                            .padding = {padding, padding}, .groups = in, .bias = false}));
  pointwise_ = register_module("pointwise", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = in, .out = out,
                                                                                          .bias = false}));
}

Tensor SeparableConv2d::forward(const Tensor& x) { return (*pointwise_)((*depthwise_)(x)); }

XceptionBlock::XceptionBlock(int64_t in, int64_t out, int64_t reps, int64_t stride, bool start_with_relu,
                             bool grow_first) {
  // timm registers the projection before "rep"; the order fixes that of the state_dict.
  if (out != in || stride != 1) {
    skip_ = register_module("skip", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{
                                        .in = in, .out = out, .stride = {stride, stride}, .bias = false}));
    skipbn_ = register_module("skipbn", std::make_shared<nn::BatchNorm2d>(out));
  }
  rep_ = register_module("rep", std::make_shared<nn::Sequential>());
  for (int64_t i = 0; i < reps; ++i) {
    // Which convolution changes the width: the first (grow_first) or the last.
    const int64_t conv_in = grow_first ? (i == 0 ? in : out) : in;
    const int64_t conv_out = grow_first || i == reps - 1 ? out : in;
    if (i > 0 || start_with_relu) rep_->push_back(relu());
    rep_->push_back(std::make_shared<SeparableConv2d>(conv_in, conv_out, 3, 1));
    rep_->push_back(std::make_shared<nn::BatchNorm2d>(conv_out));
  }
  if (stride != 1)
    rep_->push_back(std::make_shared<nn::MaxPool2d>(
        std::array<int64_t, 2>{3, 3}, MaxPool2dOptions{.stride = {stride, stride}, .padding = {1, 1}}));
}

Tensor XceptionBlock::forward(const Tensor& x) {
  Tensor skip = skip_ ? (*skipbn_)((*skip_)(x)) : x;
  return (*rep_)(x) + skip;
}

Xception::Xception(ModelArgs args) : Model("xception", args, 7) {
  auto add = [&](const std::string& name, std::shared_ptr<nn::Module> m) { body_.push_back(register_module(name, m)); };
  add("conv1", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{
                   .in = args.in_channels, .out = 32, .kernel = {3, 3}, .stride = {2, 2}, .bias = false}));
  add("bn1", std::make_shared<nn::BatchNorm2d>(32));
  add("act1", relu());
  add("conv2", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = 32, .out = 64, .kernel = {3, 3}, .bias = false}));
  add("bn2", std::make_shared<nn::BatchNorm2d>(64));
  add("act2", relu());
  add("block1", std::make_shared<XceptionBlock>(64, 128, 2, 2, false));
  add("block2", std::make_shared<XceptionBlock>(128, 256, 2, 2));
  add("block3", std::make_shared<XceptionBlock>(256, 728, 2, 2));
  for (int i = 4; i <= 11; ++i) add("block" + std::to_string(i), std::make_shared<XceptionBlock>(728, 728, 3, 1));
  add("block12", std::make_shared<XceptionBlock>(728, 1024, 2, 2, true, false));
  add("conv3", std::make_shared<SeparableConv2d>(1024, 1536, 3, 1));
  add("bn3", std::make_shared<nn::BatchNorm2d>(1536));
  add("act3", relu());
  add("conv4", std::make_shared<SeparableConv2d>(1536, 2048, 3, 1));
  add("bn4", std::make_shared<nn::BatchNorm2d>(2048));
  add("act4", relu());
  global_pool_ = register_module("global_pool",
                                 std::make_shared<nn::AdaptiveAvgPool2d>(std::array<int64_t, 2>{1, 1}));
  fc_ = register_module("fc", std::make_shared<nn::Linear>(2048, args.num_classes));
}

ModelOutput Xception::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = x;
  for (auto& m : body_) h = (*m)(h);
  ModelOutput out;
  out.features = flatten((*global_pool_)(h), 1);
  out.logits = (*fc_)(out.features);
  return out;
}

void Xception::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules())
    if (!init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);  // fc: PyTorch's default
}

}  // namespace thorax::models
