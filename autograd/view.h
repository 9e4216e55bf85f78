// Differentiable views: new shapes and strides over the same storage, no data copied (except reshape
// of a non-contiguous tensor, which must copy, as in PyTorch).
#pragma once
#include <vector>

#include "tensor/tensor.h"

namespace thorax {

// One dim may be -1 (inferred).
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
// Elements [start, start + length) along `dim`.
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
// Size-1 dims stretched (stride 0) to `shape`; new leading dims may be added.
Tensor expand(const Tensor& x, const Shape& shape);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);

}  // namespace thorax
