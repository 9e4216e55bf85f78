#include "models/small_cnn.h"

#include "autograd/pool.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "models/model_spec.h"
#include "nn/pooling.h"

namespace thorax::models {

namespace {
constexpr const char* kArch = "small_cnn";
constexpr int64_t kDefaultWidth = 16;
}  // namespace

SmallCnn::SmallCnn(ModelArgs args) : Model(kArch, args, 16, {"width", "norm"}) {
  const int64_t w = args.width ? args.width : kDefaultWidth;
  const bool batch_norm = option_text(args, kArch, "norm", "batch", {"batch", "none"}) == "batch";
  int64_t in = args.in_channels;
  for (int i = 0; i < 4; ++i) {
    const int64_t out = w << i;
    auto stage = std::make_shared<nn::Sequential>();
    stage->add("conv", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{
                           .in = in, .out = out, .kernel = {3, 3}, .padding = {1, 1}, .bias = !batch_norm}));
    if (batch_norm) stage->add("bn", std::make_shared<nn::BatchNorm2d>(out));
    stage->add("relu", nn::make_activation(nn::ActivationKind::relu));
    stage->add("pool", std::make_shared<nn::MaxPool2d>(std::array<int64_t, 2>{2, 2}));
    stages_.push_back(register_module("stage" + std::to_string(i + 1), stage));
    in = out;
  }
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(in, args.num_classes));
}

ModelOutput SmallCnn::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = x;
  for (auto& stage : stages_) h = (*stage)(h);
  ModelOutput out;
  out.features = flatten(adaptive_avg_pool2d(h, {1, 1}), 1);
  out.logits = (*classifier_)(out.features);
  return out;
}

void SmallCnn::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules())
    if (!init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);
}

}  // namespace thorax::models
