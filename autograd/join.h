// Differentiable joining and splitting along a dim: cat, stack, split. Pure data movement (strided
// copies and views), for any dtype; gradients flow through the floating-point ones.
#pragma once
#include <vector>

#include "tensor/tensor.h"

namespace thorax {

// Joins tensors that agree in every dim but `dim`, end to end along `dim` (torch.cat).
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
// Joins tensors of one shape along a new dim inserted at `dim` (torch.stack).
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
// Views of consecutive chunks of `split_size` along `dim`; the last is shorter when the size does not
// divide evenly (torch.split with an int).
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
// Views of consecutive chunks of the given sizes along `dim`, which must add up to the dim's size.
std::vector<Tensor> split_with_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);

}  // namespace thorax
