// A ResNet stage as torchvision's ResNet._make_layer builds it, for the seed models' width-scaled encoders:
// `blocks` BasicBlocks or Bottlenecks (models/resnet.h), the first with `stride` and, where the shape changes, a
// 1×1 projection ("0.downsample.0") with batch norm ("0.downsample.1").
#pragma once
#include <memory>

#include "nn/sequential.h"

namespace thorax::models {

// `inplanes` is the stage's input width; it is updated to the stage's output width (planes, ×4 for bottlenecks).
std::shared_ptr<nn::Sequential> residual_layer(bool bottleneck, int64_t& inplanes, int64_t planes, int64_t blocks,
                                               int64_t stride);

}  // namespace thorax::models
