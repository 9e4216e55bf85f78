// Layer normalization of an (M, D) array, dense: each of the M rows of D values is normalized by its own
// mean and biased variance, then weight and bias (D values each, either may be null) are applied per
// column. save_mean/save_invstd receive M values each (invstd = 1/sqrt(var + eps)) for the backward.
//
// FLOPs: forward ~5 per element; backward ~8 per element, plus 3 when the weight or bias gradient is
// wanted. Memory-bound.
// Determinism: each row is reduced by one thread; weight and bias gradients are summed over the rows in
// order, one block of columns per task, so results do not depend on the thread count.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

template <class T>
using LayerNormForwardFn = void (*)(const T* x, const T* weight, const T* bias, T* y, T* save_mean, T* save_invstd,
                                    int64_t M, int64_t D, double eps);
// Backward contract: for f = sum(gy * y), assigns gx = df/dx, gweight = df/dweight, gbias = df/dbias
// (each skipped when null).
template <class T>
using LayerNormBackwardFn = void (*)(const T* x, const T* gy, const T* weight, const T* save_mean,
                                     const T* save_invstd, T* gx, T* gweight, T* gbias, int64_t M, int64_t D);

struct LayerNormKernel {
  LayerNormForwardFn<float> forward;
  LayerNormBackwardFn<float> backward;
};
const Op<LayerNormKernel>& layer_norm_op();

void describe_layer_norm(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
