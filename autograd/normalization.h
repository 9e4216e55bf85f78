// Differentiable normalization layers' functional forms: batch normalization and layer normalization.
#pragma once
#include "tensor/tensor.h"

namespace thorax {

// Batch normalization of x (N, C, ...) per channel, as torch.nn.functional.batch_norm.
// training: normalizes with the batch mean and biased variance and, when running_mean/running_var are
// defined, updates them in place: running = (1 - momentum) * running + momentum * batch statistic, the
// variance as the unbiased estimate (torch semantics). Needs more than one value per channel.
// eval: normalizes with running_mean/running_var (required), which are left unchanged.
// weight/bias (C values) are optional; gradients flow to x, weight and bias, never to the running stats.
Tensor batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
                  bool training, double momentum = 0.1, double eps = 1e-5);

// Layer normalization over the trailing dims `normalized_shape` of x, with optional elementwise affine
// weight/bias of that shape, as torch.nn.functional.layer_norm.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

}  // namespace thorax
