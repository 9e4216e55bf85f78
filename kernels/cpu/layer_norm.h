// CPU layer normalization: rows split across threads and reduced with SIMD lanes; weight and bias
// gradients summed by column blocks.
#pragma once
#include "kernels/layer_norm.h"

namespace thorax::kernels::cpu {

void layer_norm_forward(const float* x, const float* weight, const float* bias, float* y, float* save_mean,
                        float* save_invstd, int64_t M, int64_t D, double eps);
void layer_norm_backward(const float* x, const float* gy, const float* weight, const float* save_mean,
                         const float* save_invstd, float* gx, float* gweight, float* gbias, int64_t M, int64_t D);

}  // namespace thorax::kernels::cpu
