// Feature Pyramid Network top-down pathway (Lin et al. 2017), as torchvision.ops.FeaturePyramidNetwork without
// extra blocks: a 1×1 lateral convolution per level ("inner_blocks.i"), then from the coarsest level down
//   m_top = inner(c_top),   m_i = inner(c_i) + nearest_upsample(m_{i+1} to c_i's size)
// and a 3×3 output convolution per level ("layer_blocks.i"): p_i = layer(m_i). All levels come out with the
// same width. Levels are given fine to coarse (c2, c3, c4, c5), as a backbone produces them.
#pragma once
#include <memory>
#include <vector>

#include "nn/conv2d.h"
#include "nn/sequential.h"

namespace thorax::nn {

// The merge step on its own: lateral + coarser upsampled (nearest) to the lateral's height and width.
Tensor top_down_merge(const Tensor& lateral, const Tensor& coarser);

class FeaturePyramid : public Module {
 public:
  FeaturePyramid(const std::vector<int64_t>& in_channels, int64_t out_channels);
  std::string type_name() const override { return "FeaturePyramidNetwork"; }
  std::string extra_repr() const override;
  // levels fine to coarse (N, in_channels[i], H_i, W_i) -> the same number of (N, out_channels, H_i, W_i).
  std::vector<Tensor> forward_levels(const std::vector<Tensor>& levels);

  // Containers only (never called as a Sequential): torchvision's ModuleList names.
  std::shared_ptr<Sequential> inner_blocks, layer_blocks;

 private:
  std::vector<int64_t> in_;
  int64_t out_;
};

}  // namespace thorax::nn
