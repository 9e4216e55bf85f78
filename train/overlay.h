// A heatmap drawn over its image for people to look at: the image in gray, the map in a blue→red color ramp
// blended where the map is high (transparent where it is near zero), optional lesion outlines in green.
#pragma once
#include <cstdint>
#include <vector>

#include "data/image.h"

namespace thorax::train {

// gray: 1 channel in [0, 1]; map: gray's height × width in [0, 1]; outline: same size 0/1 (may be empty).
data::Image heat_overlay(const data::Image& gray, const float* map, const std::vector<uint8_t>& outline = {});

}  // namespace thorax::train
