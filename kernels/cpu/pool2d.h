// CPU pooling, version "omp_planes": the (n, c) planes are split across threads; within a plane the
// window bounds are clipped once per output row/column (tables), not tested per tap, and sums are float.
#pragma once
#include "kernels/pool2d.h"

namespace thorax::kernels::cpu {

void max_pool2d_forward(const float* x, float* y, int64_t* argmax, const Pool2dParams& p);
void max_pool2d_backward(const float* gy, const int64_t* argmax, float* gx, const Pool2dParams& p);
void avg_pool2d_forward(const float* x, float* y, const Pool2dParams& p);
void avg_pool2d_backward(const float* gy, float* gx, const Pool2dParams& p);
void adaptive_avg_pool2d_forward(const float* x, float* y, const AdaptivePool2dParams& p);
void adaptive_avg_pool2d_backward(const float* gy, float* gx, const AdaptivePool2dParams& p);

}  // namespace thorax::kernels::cpu
