#include "nn/fpn.h"

#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/upsample.h"

namespace thorax::nn {

Tensor top_down_merge(const Tensor& lateral, const Tensor& coarser) {
  Upsample2dOptions to_lateral;
  to_lateral.size = {lateral.size(2), lateral.size(3)};
  return lateral + upsample_nearest(coarser, to_lateral);
}

FeaturePyramid::FeaturePyramid(const std::vector<int64_t>& in_channels, int64_t out_channels)
    : in_(in_channels), out_(out_channels) {
  if (in_channels.empty()) throw std::invalid_argument("FeaturePyramid needs at least one level");
  inner_blocks = register_module("inner_blocks", std::make_shared<Sequential>());
  layer_blocks = register_module("layer_blocks", std::make_shared<Sequential>());
  for (int64_t c : in_channels) {
    inner_blocks->push_back(std::make_shared<Conv2d>(Conv2dConfig{.in = c, .out = out_channels}));
    layer_blocks->push_back(std::make_shared<Conv2d>(
        Conv2dConfig{.in = out_channels, .out = out_channels, .kernel = {3, 3}, .padding = {1, 1}}));
  }
}

std::string FeaturePyramid::extra_repr() const {
  std::string s = "in_channels_list=[";
  for (size_t i = 0; i < in_.size(); ++i) s += (i ? ", " : "") + std::to_string(in_[i]);
  return s + "], out_channels=" + std::to_string(out_);
}

std::vector<Tensor> FeaturePyramid::forward_levels(const std::vector<Tensor>& levels) {
  if (levels.size() != in_.size())
    throw std::invalid_argument("FeaturePyramid(" + extra_repr() + ") got " + std::to_string(levels.size()) +
                                " levels");
  std::vector<Tensor> out(levels.size());
  Tensor merged;
  for (size_t k = levels.size(); k-- > 0;) {
    const Tensor lateral = (*inner_blocks)[k](levels[k]);
    merged = merged.defined() ? top_down_merge(lateral, merged) : lateral;
    out[k] = (*layer_blocks)[k](merged);
  }
  return out;
}

}  // namespace thorax::nn
