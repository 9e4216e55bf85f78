#include "nn/cbam.h"

#include <algorithm>
#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/reduce.h"

namespace thorax::nn {

ChannelAttention::ChannelAttention(int64_t channels, int64_t reduction) {
  if (channels < 1 || reduction < 1)
    throw std::invalid_argument("ChannelAttention needs positive channels and reduction, got " +
                                std::to_string(channels) + " and " + std::to_string(reduction));
  const int64_t hidden = std::max(channels / reduction, std::min<int64_t>(channels, 8));
  fc1 = register_module("fc1", std::make_shared<Conv2d>(Conv2dConfig{.in = channels, .out = hidden}));
  fc2 = register_module("fc2", std::make_shared<Conv2d>(Conv2dConfig{.in = hidden, .out = channels}));
}

Tensor ChannelAttention::forward(const Tensor& x) {
  const int64_t n = x.size(0);
  // Both pooled vectors go through the shared MLP as one batch of 2N.
  const Tensor pooled = cat({mean(x, {2, 3}, true), max(x, {2, 3}, true)}, 0);
  const Tensor scores = (*fc2)(relu((*fc1)(pooled)));
  const std::vector<Tensor> halves = split(scores, n, 0);
  return x * sigmoid(halves[0] + halves[1]);
}

SpatialAttention::SpatialAttention(int64_t kernel) {
  if (kernel < 1 || kernel % 2 == 0)
    throw std::invalid_argument("SpatialAttention: the kernel must be odd so the map keeps its size, got " +
                                std::to_string(kernel));
  const int64_t pad = kernel / 2;
  conv = register_module("conv", std::make_shared<Conv2d>(Conv2dConfig{
                                     .in = 2, .out = 1, .kernel = {kernel, kernel}, .padding = {pad, pad}}));
}

Tensor SpatialAttention::forward(const Tensor& x) {
  const Tensor summary = cat({mean(x, {1}, true), max(x, {1}, true)}, 1);
  return x * sigmoid((*conv)(summary));
}

CBAM::CBAM(int64_t channels, int64_t reduction, int64_t spatial_kernel) {
  channel = register_module("channel", std::make_shared<ChannelAttention>(channels, reduction));
  spatial = register_module("spatial", std::make_shared<SpatialAttention>(spatial_kernel));
}

Tensor CBAM::forward(const Tensor& x) { return (*spatial)((*channel)(x)); }

}  // namespace thorax::nn
