// Differentiable padding of the last dims, with torch.nn.functional.pad's convention.
#pragma once
#include <vector>

#include "tensor/tensor.h"

namespace thorax {

enum class PadMode {
  constant,   // fill with `value`; negative pads crop
  reflect,    // mirror without repeating the edge: [a b c] padded by 2 on the left is [c b | a b c]
  replicate,  // repeat the edge value
};

// `pads` lists (before, after) pairs starting from the LAST dim: {left, right, top, bottom, front, back}
// pads the last three dims. Any number of trailing dims may be padded, in every mode; reflect and
// replicate take non-negative amounts, reflect less than the dim's size. float32/float64.
Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode = PadMode::constant, double value = 0.0);

}  // namespace thorax
