// CPU batch normalization: per-(n, c) rows of S values reduced in parallel with SIMD lanes, then
// combined per channel in a fixed order; an (N, C) input (S = 1) is reduced a whole row of channels at a
// time instead, so memory is read in order.
#pragma once
#include "kernels/batch_norm.h"

namespace thorax::kernels::cpu {

void batch_norm_forward(const float* x, const float* weight, const float* bias, float* y, float* save_mean,
                        float* save_invstd, float* running_mean, float* running_var, BatchNormDims d,
                        BatchNormParams p);
void batch_norm_backward(const float* x, const float* gy, const float* weight, const float* save_mean,
                         const float* save_invstd, float* gx, float* gweight, float* gbias, BatchNormDims d,
                         BatchNormParams p);

}  // namespace thorax::kernels::cpu
