#include "kernels/cpu/lstm.h"

#include <cmath>

namespace thorax::kernels::cpu {

static inline float sigm(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void lstm_cell_forward(const float* gates, const float* c_prev, float* h, float* c, float* act, int64_t n, int64_t H) {
#pragma omp parallel for schedule(static) if (n * H > 8192)
  for (int64_t b = 0; b < n; ++b) {
    const float* g = gates + b * 4 * H;
    float* a = act + b * 4 * H;
    const float* cp = c_prev + b * H;
    float* cb = c + b * H;
    float* hb = h + b * H;
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
      const float i = sigm(g[j]), f = sigm(g[H + j]), gg = std::tanh(g[2 * H + j]), o = sigm(g[3 * H + j]);
      const float cc = f * cp[j] + i * gg;
      a[j] = i;
      a[H + j] = f;
      a[2 * H + j] = gg;
      a[3 * H + j] = o;
      cb[j] = cc;
      hb[j] = o * std::tanh(cc);
    }
  }
}

void lstm_cell_backward(const float* act, const float* c_prev, const float* c, const float* gh, const float* gc,
                        float* g_gates, float* g_c_prev, int64_t n, int64_t H) {
#pragma omp parallel for schedule(static) if (n * H > 8192)
  for (int64_t b = 0; b < n; ++b) {
    const float* a = act + b * 4 * H;
    float* d = g_gates + b * 4 * H;
    for (int64_t j = 0; j < H; ++j) {
      const int64_t u = b * H + j;
      const float i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
      const float tc = std::tanh(c[u]);
      const float dh = gh ? gh[u] : 0.0f;
      const float dc = (gc ? gc[u] : 0.0f) + dh * o * (1 - tc * tc);
      d[j] = dc * gg * i * (1 - i);
      d[H + j] = dc * c_prev[u] * f * (1 - f);
      d[2 * H + j] = dc * i * (1 - gg * gg);
      d[3 * H + j] = dh * tc * o * (1 - o);
      g_c_prev[u] = dc * f;
    }
  }
}

}  // namespace thorax::kernels::cpu
