// Differentiable softmax and log-softmax along one dim (numerically stable: the maximum is subtracted).
#pragma once
#include "tensor/tensor.h"

namespace thorax {

Tensor softmax(const Tensor& x, int64_t dim);
// log(softmax(x)) computed directly, so it stays finite where softmax underflows to 0.
Tensor log_softmax(const Tensor& x, int64_t dim);

}  // namespace thorax
