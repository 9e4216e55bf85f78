// CPU LSTM cell: float arithmetic, rows of the batch in parallel, hidden units in a vectorizable loop.
#pragma once
#include "kernels/lstm.h"

namespace thorax::kernels::cpu {

void lstm_cell_forward(const float* gates, const float* c_prev, float* h, float* c, float* act, int64_t n, int64_t H);
void lstm_cell_backward(const float* act, const float* c_prev, const float* c, const float* gh, const float* gc,
                        float* g_gates, float* g_c_prev, int64_t n, int64_t H);

}  // namespace thorax::kernels::cpu
