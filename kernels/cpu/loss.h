// CPU loss kernels: float arithmetic, rows in parallel; the same formulas as the reference.
#pragma once
#include "kernels/loss.h"

namespace thorax::kernels::cpu {

void bce_forward(const BceArgs<float>& a, float* loss);
void bce_backward(const BceArgs<float>& a, const float* g, float* gx);
void cross_entropy_forward(const CrossEntropyArgs<float>& a, float* loss);
void cross_entropy_backward(const CrossEntropyArgs<float>& a, const float* g, float* gx);

}  // namespace thorax::kernels::cpu
