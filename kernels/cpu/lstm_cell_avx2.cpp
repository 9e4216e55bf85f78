// The AVX2 LSTM cell (kernels/cpu/lstm_cell_vec.h). Compiled with -mavx2 -mfma
// (kernels/CMakeLists.txt); called only when the CPU has them (kernels/lstm.cpp).
#include <immintrin.h>

#include "kernels/cpu/lstm_cell_vec.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx2.h"
#include "kernels/cpu/lstm_cell_simd.h"

}  // namespace

void lstm_cell_forward_avx2(const float* gates, const float* c_prev, float* h, float* c, float* act, int64_t n,
                            int64_t H) {
  cell_forward<Avx2>(gates, c_prev, h, c, act, n, H);
}

void lstm_cell_backward_avx2(const float* act, const float* c_prev, const float* c, const float* gh, const float* gc,
                             float* g_gates, float* g_c_prev, int64_t n, int64_t H) {
  cell_backward<Avx2>(act, c_prev, c, gh, gc, g_gates, g_c_prev, n, H);
}

}  // namespace thorax::kernels::cpu
