#include "models/resnet.h"

#include "autograd/elementwise.h"
#include "autograd/view.h"
#include "nn/init.h"

namespace thorax::models {

using nn::Conv2d;
using nn::Conv2dConfig;

namespace {

std::shared_ptr<Conv2d> conv3x3(int64_t in, int64_t out, int64_t stride) {
  return std::make_shared<Conv2d>(
      Conv2dConfig{.in = in, .out = out, .kernel = {3, 3}, .stride = {stride, stride}, .padding = {1, 1}, .bias = false});
}
std::shared_ptr<Conv2d> conv1x1(int64_t in, int64_t out, int64_t stride = 1) {
  return std::make_shared<Conv2d>(Conv2dConfig{.in = in, .out = out, .stride = {stride, stride}, .bias = false});
}
std::shared_ptr<nn::BatchNorm2d> bn(int64_t c) { return std::make_shared<nn::BatchNorm2d>(c); }

}  // namespace

BasicBlock::BasicBlock(int64_t inplanes, int64_t planes, int64_t stride, std::shared_ptr<nn::Sequential> downsample) {
  conv1_ = register_module("conv1", conv3x3(inplanes, planes, stride));
  bn1_ = register_module("bn1", bn(planes));
  relu_ = register_module("relu", nn::make_activation(nn::ActivationKind::relu));
  conv2_ = register_module("conv2", conv3x3(planes, planes, 1));
  bn2_ = register_module("bn2", bn(planes));
  if (downsample) downsample_ = register_module("downsample", downsample);
}

Tensor BasicBlock::forward(const Tensor& x) {
  Tensor out = (*relu_)((*bn1_)((*conv1_)(x)));
  out = (*bn2_)((*conv2_)(out));
  Tensor identity = downsample_ ? (*downsample_)(x) : x;
  return (*relu_)(out + identity);
}

Bottleneck::Bottleneck(int64_t inplanes, int64_t planes, int64_t stride, std::shared_ptr<nn::Sequential> downsample) {
  conv1_ = register_module("conv1", conv1x1(inplanes, planes));
  bn1_ = register_module("bn1", bn(planes));
  conv2_ = register_module("conv2", conv3x3(planes, planes, stride));
  bn2_ = register_module("bn2", bn(planes));
  conv3_ = register_module("conv3", conv1x1(planes, planes * expansion));
  bn3_ = register_module("bn3", bn(planes * expansion));
  relu_ = register_module("relu", nn::make_activation(nn::ActivationKind::relu));
  if (downsample) downsample_ = register_module("downsample", downsample);
}

Tensor Bottleneck::forward(const Tensor& x) {
  Tensor out = (*relu_)((*bn1_)((*conv1_)(x)));
  out = (*relu_)((*bn2_)((*conv2_)(out)));
  out = (*bn3_)((*conv3_)(out));
  Tensor identity = downsample_ ? (*downsample_)(x) : x;
  return (*relu_)(out + identity);
}

template <class Block>
std::shared_ptr<nn::Sequential> ResNet::make_layer(int64_t planes, int64_t blocks, int64_t stride) {
  std::shared_ptr<nn::Sequential> downsample;
  if (stride != 1 || inplanes_ != planes * Block::expansion) {
    downsample = std::make_shared<nn::Sequential>();
    downsample->push_back(conv1x1(inplanes_, planes * Block::expansion, stride));
    downsample->push_back(bn(planes * Block::expansion));
  }
  auto layer = std::make_shared<nn::Sequential>();
  layer->push_back(std::make_shared<Block>(inplanes_, planes, stride, downsample));
  inplanes_ = planes * Block::expansion;
  for (int64_t i = 1; i < blocks; ++i) layer->push_back(std::make_shared<Block>(inplanes_, planes, 1, nullptr));
  return layer;
}

ResNet::ResNet(const std::string& name, bool bottleneck, std::vector<int64_t> blocks, ModelArgs args)
    : Model(name, args, 1) {
  conv1_ = register_module("conv1", std::make_shared<Conv2d>(Conv2dConfig{.in = args.in_channels, .out = 64,
                                                                          .kernel = {7, 7}, .stride = {2, 2},
                                                                          .padding = {3, 3}, .bias = false}));
  bn1_ = register_module("bn1", bn(64));
  relu_ = register_module("relu", nn::make_activation(nn::ActivationKind::relu));
  maxpool_ = register_module("maxpool", std::make_shared<nn::MaxPool2d>(
                                            std::array<int64_t, 2>{3, 3},
                                            MaxPool2dOptions{.stride = {2, 2}, .padding = {1, 1}}));
  const int64_t planes[4] = {64, 128, 256, 512};
  for (int i = 0; i < 4; ++i) {
    const int64_t stride = i == 0 ? 1 : 2;
    auto layer = bottleneck ? make_layer<Bottleneck>(planes[i], blocks[static_cast<size_t>(i)], stride)
                            : make_layer<BasicBlock>(planes[i], blocks[static_cast<size_t>(i)], stride);
    layers_.push_back(register_module("layer" + std::to_string(i + 1), layer));
  }
  avgpool_ = register_module("avgpool", std::make_shared<nn::AdaptiveAvgPool2d>(std::array<int64_t, 2>{1, 1}));
  fc_ = register_module("fc", std::make_shared<nn::Linear>(inplanes_, args.num_classes));
}

ModelOutput ResNet::forward_output(const Tensor& x, const Tensor&) {
  Tensor h = (*maxpool_)((*relu_)((*bn1_)((*conv1_)(x))));
  for (auto& layer : layers_) h = (*layer)(h);
  ModelOutput out;
  out.features = flatten((*avgpool_)(h), 1);
  out.logits = (*fc_)(out.features);
  return out;
}

void ResNet::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules()) {
    if (auto* conv = dynamic_cast<Conv2d*>(m))
      nn::init::kaiming_normal(conv->weight, nn::init::FanMode::fan_out, nn::init::gain("relu"), gen);
    else
      m->reset_own_parameters(gen);  // batch norm: ones and zeros; fc: PyTorch's default
  }
}

}  // namespace thorax::models
