#include "models/inception_v3.h"

#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/pool.h"
#include "autograd/view.h"
#include "nn/init.h"

namespace thorax::models {

using Pool = InceptionBlock::Branch::Pool;

BasicConv2d::BasicConv2d(const nn::Conv2dConfig& c) {
  nn::Conv2dConfig no_bias = c;
  no_bias.bias = false;
  conv_ = register_module("conv", std::make_shared<nn::Conv2d>(no_bias));
  bn_ = register_module("bn", std::make_shared<nn::BatchNorm2d>(c.out, nn::BatchNormConfig{.eps = 0.001}));
}

Tensor BasicConv2d::forward(const Tensor& x) { return relu((*bn_)((*conv_)(x))); }

std::shared_ptr<nn::Module> InceptionBlock::conv(const std::string& name, int64_t in, int64_t out,
                                                 std::array<int64_t, 2> kernel, int64_t stride,
                                                 std::array<int64_t, 2> padding) {
  return register_module(name, std::make_shared<BasicConv2d>(nn::Conv2dConfig{
                                   .in = in, .out = out, .kernel = kernel, .stride = {stride, stride}, .padding = padding}));
}

Tensor InceptionBlock::forward(const Tensor& x) {
  std::vector<Tensor> outputs;
  for (const Branch& b : branches_) {
    Tensor h = x;
    if (b.pool == Pool::avg3x3_same) h = avg_pool2d(h, {3, 3}, AvgPool2dOptions{.stride = {1, 1}, .padding = {1, 1}});
    if (b.pool == Pool::max3x3_stride2) h = max_pool2d(h, {3, 3}, MaxPool2dOptions{.stride = {2, 2}});
    for (const auto& c : b.convs) h = (*c)(h);
    if (!b.split.empty()) {
      std::vector<Tensor> parts;
      for (const auto& c : b.split) parts.push_back((*c)(h));
      h = cat(parts, 1);
    }
    outputs.push_back(h);
  }
  return cat(outputs, 1);
}

// Registration order follows torchvision's constructors (it fixes the state_dict order); the branch
// lists follow their forward passes.
InceptionA::InceptionA(int64_t in, int64_t pool_features) {
  auto b1 = conv("branch1x1", in, 64, {1, 1});
  auto b5_1 = conv("branch5x5_1", in, 48, {1, 1});
  auto b5_2 = conv("branch5x5_2", 48, 64, {5, 5}, 1, {2, 2});
  auto d1 = conv("branch3x3dbl_1", in, 64, {1, 1});
  auto d2 = conv("branch3x3dbl_2", 64, 96, {3, 3}, 1, {1, 1});
  auto d3 = conv("branch3x3dbl_3", 96, 96, {3, 3}, 1, {1, 1});
  auto pool = conv("branch_pool", in, pool_features, {1, 1});
  branches_ = {{Pool::none, {b1}, {}}, {Pool::none, {b5_1, b5_2}, {}}, {Pool::none, {d1, d2, d3}, {}},
               {Pool::avg3x3_same, {pool}, {}}};
}

InceptionB::InceptionB(int64_t in) {
  auto b3 = conv("branch3x3", in, 384, {3, 3}, 2);
  auto d1 = conv("branch3x3dbl_1", in, 64, {1, 1});
  auto d2 = conv("branch3x3dbl_2", 64, 96, {3, 3}, 1, {1, 1});
  auto d3 = conv("branch3x3dbl_3", 96, 96, {3, 3}, 2);
  branches_ = {{Pool::none, {b3}, {}}, {Pool::none, {d1, d2, d3}, {}}, {Pool::max3x3_stride2, {}, {}}};
}

InceptionC::InceptionC(int64_t in, int64_t c7) {
  auto b1 = conv("branch1x1", in, 192, {1, 1});
  auto s1 = conv("branch7x7_1", in, c7, {1, 1});
  auto s2 = conv("branch7x7_2", c7, c7, {1, 7}, 1, {0, 3});
  auto s3 = conv("branch7x7_3", c7, 192, {7, 1}, 1, {3, 0});
  auto d1 = conv("branch7x7dbl_1", in, c7, {1, 1});
  auto d2 = conv("branch7x7dbl_2", c7, c7, {7, 1}, 1, {3, 0});
  auto d3 = conv("branch7x7dbl_3", c7, c7, {1, 7}, 1, {0, 3});
  auto d4 = conv("branch7x7dbl_4", c7, c7, {7, 1}, 1, {3, 0});
  auto d5 = conv("branch7x7dbl_5", c7, 192, {1, 7}, 1, {0, 3});
  auto pool = conv("branch_pool", in, 192, {1, 1});
  branches_ = {{Pool::none, {b1}, {}}, {Pool::none, {s1, s2, s3}, {}}, {Pool::none, {d1, d2, d3, d4, d5}, {}},
               {Pool::avg3x3_same, {pool}, {}}};
}

InceptionD::InceptionD(int64_t in) {
  auto a1 = conv("branch3x3_1", in, 192, {1, 1});
  auto a2 = conv("branch3x3_2", 192, 320, {3, 3}, 2);
  auto b1 = conv("branch7x7x3_1", in, 192, {1, 1});
  auto b2 = conv("branch7x7x3_2", 192, 192, {1, 7}, 1, {0, 3});
  auto b3 = conv("branch7x7x3_3", 192, 192, {7, 1}, 1, {3, 0});
  auto b4 = conv("branch7x7x3_4", 192, 192, {3, 3}, 2);
  branches_ = {{Pool::none, {a1, a2}, {}}, {Pool::none, {b1, b2, b3, b4}, {}}, {Pool::max3x3_stride2, {}, {}}};
}

InceptionE::InceptionE(int64_t in) {
  auto b1 = conv("branch1x1", in, 320, {1, 1});
  auto t1 = conv("branch3x3_1", in, 384, {1, 1});
  auto t2a = conv("branch3x3_2a", 384, 384, {1, 3}, 1, {0, 1});
  auto t2b = conv("branch3x3_2b", 384, 384, {3, 1}, 1, {1, 0});
  auto d1 = conv("branch3x3dbl_1", in, 448, {1, 1});
  auto d2 = conv("branch3x3dbl_2", 448, 384, {3, 3}, 1, {1, 1});
  auto d3a = conv("branch3x3dbl_3a", 384, 384, {1, 3}, 1, {0, 1});
  auto d3b = conv("branch3x3dbl_3b", 384, 384, {3, 1}, 1, {1, 0});
  auto pool = conv("branch_pool", in, 192, {1, 1});
  branches_ = {{Pool::none, {b1}, {}}, {Pool::none, {t1}, {t2a, t2b}}, {Pool::none, {d1, d2}, {d3a, d3b}},
               {Pool::avg3x3_same, {pool}, {}}};
}

InceptionAux::InceptionAux(int64_t in, int64_t num_classes) {
  conv0_ = register_module("conv0", std::make_shared<BasicConv2d>(nn::Conv2dConfig{.in = in, .out = 128}));
  conv1_ = register_module("conv1", std::make_shared<BasicConv2d>(nn::Conv2dConfig{.in = 128, .out = 768, .kernel = {5, 5}}));
  fc_ = register_module("fc", std::make_shared<nn::Linear>(768, num_classes));
}

Tensor InceptionAux::forward(const Tensor& x) {
  Tensor h = avg_pool2d(x, {5, 5}, AvgPool2dOptions{.stride = {3, 3}});
  h = (*conv1_)((*conv0_)(h));
  return (*fc_)(flatten(adaptive_avg_pool2d(h, {1, 1}), 1));
}

InceptionV3::InceptionV3(ModelArgs args) : Model("inception_v3", args, 75) {
  auto basic = [&](const std::string& name, int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad) {
    stem_.push_back(register_module(name, std::make_shared<BasicConv2d>(nn::Conv2dConfig{
                                              .in = in, .out = out, .kernel = {k, k}, .stride = {stride, stride},
                                              .padding = {pad, pad}})));
  };
  auto maxpool = [&](const std::string& name) {
    stem_.push_back(register_module(name, std::make_shared<nn::MaxPool2d>(std::array<int64_t, 2>{3, 3},
                                                                          MaxPool2dOptions{.stride = {2, 2}})));
  };
  basic("Conv2d_1a_3x3", args.in_channels, 32, 3, 2, 0);
  basic("Conv2d_2a_3x3", 32, 32, 3, 1, 0);
  basic("Conv2d_2b_3x3", 32, 64, 3, 1, 1);
  maxpool("maxpool1");
  basic("Conv2d_3b_1x1", 64, 80, 1, 1, 0);
  basic("Conv2d_4a_3x3", 80, 192, 3, 1, 0);
  maxpool("maxpool2");
  stem_.push_back(register_module("Mixed_5b", std::make_shared<InceptionA>(192, 32)));
  stem_.push_back(register_module("Mixed_5c", std::make_shared<InceptionA>(256, 64)));
  stem_.push_back(register_module("Mixed_5d", std::make_shared<InceptionA>(288, 64)));
  mixed_6_.push_back(register_module("Mixed_6a", std::make_shared<InceptionB>(288)));
  mixed_6_.push_back(register_module("Mixed_6b", std::make_shared<InceptionC>(768, 128)));
  mixed_6_.push_back(register_module("Mixed_6c", std::make_shared<InceptionC>(768, 160)));
  mixed_6_.push_back(register_module("Mixed_6d", std::make_shared<InceptionC>(768, 160)));
  mixed_6_.push_back(register_module("Mixed_6e", std::make_shared<InceptionC>(768, 192)));
  aux_ = register_module("AuxLogits", std::make_shared<InceptionAux>(768, args.num_classes));
  mixed_7_.push_back(register_module("Mixed_7a", std::make_shared<InceptionD>(768)));
  mixed_7_.push_back(register_module("Mixed_7b", std::make_shared<InceptionE>(1280)));
  mixed_7_.push_back(register_module("Mixed_7c", std::make_shared<InceptionE>(2048)));
  avgpool_ = register_module("avgpool", std::make_shared<nn::AdaptiveAvgPool2d>(std::array<int64_t, 2>{1, 1}));
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(0.5));
  fc_ = register_module("fc", std::make_shared<nn::Linear>(2048, args.num_classes));
}

ModelOutput InceptionV3::forward_output(const Tensor& x, const Tensor&) {
  const bool aux = training() && aux_logits_;
  if (aux && (x.size(2) < 299 || x.size(3) < 299))
    throw std::invalid_argument("inception_v3 in training mode needs images of at least 299x299 pixels (its auxiliary "
                                "classifier pools Mixed_6e with a 5x5 window), got " +
                                std::to_string(x.size(2)) + "x" + std::to_string(x.size(3)) +
                                "; turn the auxiliary classifier off to train smaller images");
  Tensor h = x;
  for (auto& m : stem_) h = (*m)(h);
  for (auto& m : mixed_6_) h = (*m)(h);
  ModelOutput out;
  if (aux) out.aux_logits = (*aux_)(h);
  for (auto& m : mixed_7_) h = (*m)(h);
  out.features = flatten((*avgpool_)(h), 1);
  out.logits = (*fc_)((*dropout_)(out.features));
  return out;
}

void InceptionV3::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules()) {
    if (auto* conv = dynamic_cast<nn::Conv2d*>(m)) {
      nn::init::trunc_normal(conv->weight, 0.0, 0.1, -2.0, 2.0, gen);
    } else if (auto* fc = dynamic_cast<nn::Linear*>(m)) {
      fc->reset_own_parameters(gen);  // the bias keeps PyTorch's default
      nn::init::trunc_normal(fc->weight, 0.0, name == "AuxLogits.fc" ? 0.001 : 0.1, -2.0, 2.0, gen);
    } else {
      m->reset_own_parameters(gen);
    }
  }
}

}  // namespace thorax::models
