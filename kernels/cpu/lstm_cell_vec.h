// CPU LSTM cell, versions "vec_avx2" and "vec_avx512": the fused cell of kernels/lstm.h with the gates'
// sigmoid and tanh vectorized (σ(x) = 1/(1 + e^−x), tanh x = sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|), e^x by
// the vector exp of kernels/cpu/vec_<isa>.h, within a few float roundings of libm's). Hidden units in
// vectors, batch rows in turn (no threads: a step of a recurrence is too small to share). Each
// lstm_cell_<isa>.cpp is compiled with its own -m flags and includes only this header, kernels/lstm.h's
// types and <immintrin.h> (the loops, written once, are in lstm_cell_simd.h).
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

void lstm_cell_forward_avx2(const float* gates, const float* c_prev, float* h, float* c, float* act, int64_t n,
                            int64_t H);
void lstm_cell_backward_avx2(const float* act, const float* c_prev, const float* c, const float* gh, const float* gc,
                             float* g_gates, float* g_c_prev, int64_t n, int64_t H);
void lstm_cell_forward_avx512(const float* gates, const float* c_prev, float* h, float* c, float* act, int64_t n,
                              int64_t H);
void lstm_cell_backward_avx512(const float* act, const float* c_prev, const float* c, const float* gh, const float* gc,
                               float* g_gates, float* g_c_prev, int64_t n, int64_t H);

}  // namespace thorax::kernels::cpu
