// CPU resampling, version "omp_planes": the source indices and weights of every output row and column
// are tabulated once per call, then the (n, c) planes are split across threads.
#pragma once
#include "kernels/upsample.h"

namespace thorax::kernels::cpu {

void upsample_nearest_forward(const float* x, float* y, const Upsample2dParams& p);
void upsample_nearest_backward(const float* gy, float* gx, const Upsample2dParams& p);
void upsample_bilinear_forward(const float* x, float* y, const Upsample2dParams& p);
void upsample_bilinear_backward(const float* gy, float* gx, const Upsample2dParams& p);

}  // namespace thorax::kernels::cpu
