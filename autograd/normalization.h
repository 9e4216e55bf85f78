// Differentiable normalization layers' functional forms: batch normalization and layer normalization.
#pragma once
#include <functional>
#include <span>

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

// Synchronized batch norm for data-parallel training, as torch.nn.SyncBatchNorm: while a reducer is set,
// training-mode batch_norm sums its per-channel statistics (and, in backward, its gradient sums) over every
// process with it, so each rank normalizes with the mean and variance of the global batch. The reducer sums
// the values in place across processes (an MPI allreduce); it must be called by every rank in the same order,
// which holds when all run the same model. An empty function turns it off (per-process statistics).
using BatchStatsReducer = std::function<void(std::span<double>)>;
void set_batch_norm_reducer(BatchStatsReducer reducer);

// Layer normalization over the trailing dims `normalized_shape` of x, with optional elementwise affine
// weight/bias of that shape, as torch.nn.functional.layer_norm.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

}  // namespace thorax
