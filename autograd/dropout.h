// Differentiable dropout: zeroes each element with probability p and scales the rest by 1/(1-p).
#pragma once
#include "tensor/rng.h"
#include "tensor/tensor.h"

namespace thorax {

// Training: the mask is drawn from `gen` (the default generator when null) by counters, so a given
// generator state gives the same mask on any device and thread count; it equals rand(x.shape) > p
// drawn from that same state, and the generator advances by x.numel() values whatever p is.
// Eval (training = false): returns x itself, drawing nothing.
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true, Generator* gen = nullptr);

// Dropout with a given mask (x's shape, 0 = dropped, 1 = kept): x * mask / (1 - p), differentiable in x
// only. What dropout() runs after drawing its mask; also how a test reproduces another framework's mask.
Tensor dropout_with_mask(const Tensor& x, const Tensor& mask, double p);

}  // namespace thorax
