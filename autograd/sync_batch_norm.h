// Synchronized batch norm (data-parallel training): the training-mode batch_norm of autograd/normalization.h
// when a reducer is set. Internal to autograd; users set the reducer with set_batch_norm_reducer.
#pragma once
#include "autograd/normalization.h"

namespace thorax::autograd {

// The reducer set by set_batch_norm_reducer, or an empty function.
const BatchStatsReducer& batch_norm_reducer();

// batch_norm in training mode with the statistics of the global batch: per channel, the sum over every
// process's N·S values (then the squared deviations from the global mean) is reduced with `reducer` before
// normalizing; backward reduces the two gradient sums the same way. The weight and bias gradients stay
// local, for the data-parallel gradient sum to add up. Plain loops in double: exact rather than fast.
Tensor sync_batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight,
                       const Tensor& bias, double momentum, double eps);

}  // namespace thorax::autograd
