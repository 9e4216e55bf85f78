// Differentiable reductions over a set of dims (empty = all dims), with or without keeping them.
#pragma once
#include <vector>

#include "tensor/tensor.h"

namespace thorax {

using Dims = std::vector<int64_t>;

Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Largest/smallest value (torch.amax/amin): the gradient is split evenly between tied extrema.
Tensor max(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor min(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Variance with Bessel's correction by default (divide by n - correction), as torch.var.
Tensor var(const Tensor& x, const Dims& dims = {}, int64_t correction = 1, bool keepdim = false);

// Sums a broadcast result back to `shape` (the inverse of broadcasting, used by backward passes).
Tensor sum_to(const Tensor& g, const Shape& shape);

}  // namespace thorax
