#include "models/residual_layer.h"

#include "models/resnet.h"

namespace thorax::models {

std::shared_ptr<nn::Sequential> residual_layer(bool bottleneck, int64_t& inplanes, int64_t planes, int64_t blocks,
                                               int64_t stride) {
  const int64_t out = planes * (bottleneck ? Bottleneck::expansion : BasicBlock::expansion);
  auto block = [&](int64_t in, int64_t s, std::shared_ptr<nn::Sequential> downsample) -> std::shared_ptr<nn::Module> {
    if (bottleneck) return std::make_shared<Bottleneck>(in, planes, s, downsample);
    return std::make_shared<BasicBlock>(in, planes, s, downsample);
  };
  std::shared_ptr<nn::Sequential> downsample;
  if (stride != 1 || inplanes != out) {
    downsample = std::make_shared<nn::Sequential>();
    downsample->push_back(std::make_shared<nn::Conv2d>(
        nn::Conv2dConfig{.in = inplanes, .out = out, .stride = {stride, stride}, .bias = false}));
    downsample->push_back(std::make_shared<nn::BatchNorm2d>(out));
  }
  auto layer = std::make_shared<nn::Sequential>();
  layer->push_back(block(inplanes, stride, downsample));
  for (int64_t i = 1; i < blocks; ++i) layer->push_back(block(out, 1, nullptr));
  inplanes = out;
  return layer;
}

}  // namespace thorax::models
