// CPU dropout: blocks of four elements (one Philox call) split across threads.
#pragma once
#include "kernels/dropout.h"

namespace thorax::kernels::cpu {

void dropout_forward(const float* x, float* y, float* mask, int64_t n, DropoutParams p);
void dropout_apply(const float* mask, const float* v, float* out, int64_t n, double p);

}  // namespace thorax::kernels::cpu
