// Batch normalization of an (N, C, S) array: x[(n*C + c)*S + s], dense, S the product of the spatial
// dims (1 for an (N, C) input). Channel c is normalized over its M = N*S values.
//
// Train: the batch mean and biased variance normalize x, and are returned as save_mean and
// save_invstd = 1/sqrt(var + eps) (C values each) for the backward. When running_mean/running_var are
// given they move toward the batch statistics by `momentum`, the variance as the unbiased estimate
// var * M/(M-1), as torch does. Needs M >= 2 (autograd checks).
// Eval: the running statistics normalize x; save_mean/save_invstd receive them in the same form.
// weight/bias may be null (no affine transform: 1 and 0).
//
// FLOPs: forward ~5 per element in training (sum, squared deviation, normalize and affine), 3 in eval;
// backward ~6 per element. Memory-bound.
// Determinism: statistics are combined from per-(n, c) partial sums in a fixed order, so results do not
// depend on the thread count.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

struct BatchNormDims {
  int64_t N = 1, C = 1, S = 1;
};

struct BatchNormParams {
  bool training = true;
  double momentum = 0.1;  // running = (1 - momentum) * running + momentum * batch
  double eps = 1e-5;
};

template <class T>
using BatchNormForwardFn = void (*)(const T* x, const T* weight, const T* bias, T* y, T* save_mean, T* save_invstd,
                                    T* running_mean, T* running_var, BatchNormDims d, BatchNormParams p);
// Backward contract: for f = sum(gy * y), assigns gx = df/dx, gweight = df/dweight, gbias = df/dbias
// (each skipped when null). In training the statistics depend on x; in eval they are constants.
template <class T>
using BatchNormBackwardFn = void (*)(const T* x, const T* gy, const T* weight, const T* save_mean,
                                     const T* save_invstd, T* gx, T* gweight, T* gbias, BatchNormDims d,
                                     BatchNormParams p);

struct BatchNormKernel {
  BatchNormForwardFn<float> forward;
  BatchNormBackwardFn<float> backward;
};
const Op<BatchNormKernel>& batch_norm_op();

void describe_batch_norm(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
