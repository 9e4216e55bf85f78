#include "models/inception_resnet_v2.h"

#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/view.h"
#include "models/inception_v3.h"
#include "nn/sequential.h"

namespace thorax::models {

namespace {

using ModulePtr = std::shared_ptr<nn::Module>;

// timm's ConvNormAct with padding 0 unless given; kernel and padding as (height, width).
ModulePtr conv(int64_t in, int64_t out, std::array<int64_t, 2> kernel, int64_t stride = 1,
               std::array<int64_t, 2> padding = {0, 0}) {
  return std::make_shared<BasicConv2d>(
      nn::Conv2dConfig{.in = in, .out = out, .kernel = kernel, .stride = {stride, stride}, .padding = padding});
}

ModulePtr chain(const std::vector<ModulePtr>& modules) {
  auto s = std::make_shared<nn::Sequential>();
  for (const ModulePtr& m : modules) s->push_back(m);
  return s;
}

ModulePtr max_pool_3x3_stride2() {
  return std::make_shared<nn::MaxPool2d>(std::array<int64_t, 2>{3, 3}, MaxPool2dOptions{.stride = {2, 2}});
}

ModulePtr mixed_5b() {
  return std::make_shared<InceptionBranches>(
      "Mixed_5b",
      std::vector<ModulePtr>{
          conv(192, 96, {1, 1}),
          chain({conv(192, 48, {1, 1}), conv(48, 64, {5, 5}, 1, {2, 2})}),
          chain({conv(192, 64, {1, 1}), conv(64, 96, {3, 3}, 1, {1, 1}), conv(96, 96, {3, 3}, 1, {1, 1})}),
          // Padded taps do not count in the mean here (unlike torchvision's inception_v3).
          chain({std::make_shared<nn::AvgPool2d>(std::array<int64_t, 2>{3, 3},
                                                 AvgPool2dOptions{.stride = {1, 1}, .padding = {1, 1},
                                                                  .count_include_pad = false}),
                 conv(192, 64, {1, 1})}),
      });
}

ModulePtr block35() {
  return std::make_shared<InceptionResidual>(
      "Block35",
      std::vector<ModulePtr>{
          conv(320, 32, {1, 1}),
          chain({conv(320, 32, {1, 1}), conv(32, 32, {3, 3}, 1, {1, 1})}),
          chain({conv(320, 32, {1, 1}), conv(32, 48, {3, 3}, 1, {1, 1}), conv(48, 64, {3, 3}, 1, {1, 1})}),
      },
      128, 320, 0.17, "act");
}

ModulePtr mixed_6a() {
  return std::make_shared<InceptionBranches>(
      "Mixed_6a",
      std::vector<ModulePtr>{
          conv(320, 384, {3, 3}, 2),
          chain({conv(320, 256, {1, 1}), conv(256, 256, {3, 3}, 1, {1, 1}), conv(256, 384, {3, 3}, 2)}),
          max_pool_3x3_stride2(),
      });
}

ModulePtr block17() {
  return std::make_shared<InceptionResidual>(
      "Block17",
      std::vector<ModulePtr>{
          conv(1088, 192, {1, 1}),
          chain({conv(1088, 128, {1, 1}), conv(128, 160, {1, 7}, 1, {0, 3}), conv(160, 192, {7, 1}, 1, {3, 0})}),
      },
      384, 1088, 0.10, "act");
}

ModulePtr mixed_7a() {
  return std::make_shared<InceptionBranches>(
      "Mixed_7a",
      std::vector<ModulePtr>{
          chain({conv(1088, 256, {1, 1}), conv(256, 384, {3, 3}, 2)}),
          chain({conv(1088, 256, {1, 1}), conv(256, 288, {3, 3}, 2)}),
          chain({conv(1088, 256, {1, 1}), conv(256, 288, {3, 3}, 1, {1, 1}), conv(288, 320, {3, 3}, 2)}),
          max_pool_3x3_stride2(),
      });
}

ModulePtr block8(double scale, bool relu) {
  return std::make_shared<InceptionResidual>(
      "Block8",
      std::vector<ModulePtr>{
          conv(2080, 192, {1, 1}),
          chain({conv(2080, 192, {1, 1}), conv(192, 224, {1, 3}, 1, {0, 1}), conv(224, 256, {3, 1}, 1, {1, 0})}),
      },
      448, 2080, scale, relu ? "relu" : "");
}

ModulePtr repeat(int n, ModulePtr (*block)()) {
  std::vector<ModulePtr> blocks;
  for (int i = 0; i < n; ++i) blocks.push_back(block());
  return chain(blocks);
}

}  // namespace

InceptionBranches::InceptionBranches(std::string type, std::vector<std::shared_ptr<nn::Module>> branches)
    : type_(std::move(type)), branches_(std::move(branches)) {
  for (size_t i = 0; i < branches_.size(); ++i) register_module("branch" + std::to_string(i), branches_[i]);
}

Tensor InceptionBranches::forward(const Tensor& x) {
  std::vector<Tensor> outputs;
  for (const auto& b : branches_) outputs.push_back((*b)(x));
  return cat(outputs, 1);
}

InceptionResidual::InceptionResidual(std::string type, std::vector<std::shared_ptr<nn::Module>> branches,
                                     int64_t branch_channels, int64_t channels, double scale,
                                     const std::string& relu_name)
    : InceptionBranches(std::move(type), std::move(branches)), scale_(scale) {
  conv2d_ = register_module("conv2d", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = branch_channels,
                                                                                    .out = channels}));
  if (!relu_name.empty()) relu_ = register_module(relu_name, nn::make_activation(nn::ActivationKind::relu));
}

Tensor InceptionResidual::forward(const Tensor& x) {
  Tensor out = (*conv2d_)(InceptionBranches::forward(x)) * scale_ + x;
  return relu_ ? (*relu_)(out) : out;
}

InceptionResNetV2::InceptionResNetV2(ModelArgs args) : Model("inception_resnet_v2", args, 75) {
  auto add = [&](const std::string& name, ModulePtr m) { body_.push_back(register_module(name, m)); };
  add("conv2d_1a", conv(args.in_channels, 32, {3, 3}, 2));
  add("conv2d_2a", conv(32, 32, {3, 3}));
  add("conv2d_2b", conv(32, 64, {3, 3}, 1, {1, 1}));
  add("maxpool_3a", max_pool_3x3_stride2());
  add("conv2d_3b", conv(64, 80, {1, 1}));
  add("conv2d_4a", conv(80, 192, {3, 3}));
  add("maxpool_5a", max_pool_3x3_stride2());
  add("mixed_5b", mixed_5b());
  add("repeat", repeat(10, block35));
  add("mixed_6a", mixed_6a());
  add("repeat_1", repeat(20, block17));
  add("mixed_7a", mixed_7a());
  add("repeat_2", repeat(9, [] { return block8(0.20, true); }));
  add("block8", block8(1.0, false));
  add("conv2d_7b", conv(2080, 1536, {1, 1}));
  global_pool_ = register_module("global_pool",
                                 std::make_shared<nn::AdaptiveAvgPool2d>(std::array<int64_t, 2>{1, 1}));
  classif_ = register_module("classif", std::make_shared<nn::Linear>(1536, args.num_classes));
}

ModelOutput InceptionResNetV2::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = x;
  for (auto& m : body_) h = (*m)(h);
  ModelOutput out;
  out.features = flatten((*global_pool_)(h), 1);
  out.logits = (*classif_)(out.features);
  return out;
}

void InceptionResNetV2::initialize(Generator& gen) { nn::reset_parameters(*this, gen); }

}  // namespace thorax::models
