// Differentiable matrix products, all on the registry's GEMM.
#pragma once
#include "tensor/tensor.h"

namespace thorax {

// torch.matmul semantics: 1-d operands are promoted (and the added dim removed), batch dims broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);
// Strict batched product: (B, M, K) @ (B, K, N) -> (B, M, N).
Tensor bmm(const Tensor& a, const Tensor& b);
// y = x @ weight^T + bias, weight (out, in), bias (out) or undefined; x (..., in).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace thorax
