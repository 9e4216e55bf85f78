// Reference LSTM cell: one hidden unit at a time, in double.
#pragma once
#include <cmath>

#include "kernels/lstm.h"

namespace thorax::kernels::ref {

inline double lstm_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

template <class T>
void lstm_cell_forward(const T* gates, const T* c_prev, T* h, T* c, T* act, int64_t n, int64_t H) {
  for (int64_t b = 0; b < n; ++b)
    for (int64_t j = 0; j < H; ++j) {
      const T* g = gates + b * 4 * H;
      T* a = act + b * 4 * H;
      double i = lstm_sigmoid(g[j]), f = lstm_sigmoid(g[H + j]), gg = std::tanh(static_cast<double>(g[2 * H + j])),
             o = lstm_sigmoid(g[3 * H + j]);
      double cc = f * c_prev[b * H + j] + i * gg;
      a[j] = static_cast<T>(i);
      a[H + j] = static_cast<T>(f);
      a[2 * H + j] = static_cast<T>(gg);
      a[3 * H + j] = static_cast<T>(o);
      c[b * H + j] = static_cast<T>(cc);
      h[b * H + j] = static_cast<T>(o * std::tanh(cc));
    }
}

template <class T>
void lstm_cell_backward(const T* act, const T* c_prev, const T* c, const T* gh, const T* gc, T* g_gates, T* g_c_prev,
                        int64_t n, int64_t H) {
  for (int64_t b = 0; b < n; ++b)
    for (int64_t j = 0; j < H; ++j) {
      const T* a = act + b * 4 * H;
      T* d = g_gates + b * 4 * H;
      const int64_t u = b * H + j;
      double i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
      double tc = std::tanh(static_cast<double>(c[u]));
      double dh = gh ? gh[u] : 0.0;
      double dc = (gc ? gc[u] : 0.0) + dh * o * (1 - tc * tc);
      d[j] = static_cast<T>(dc * gg * i * (1 - i));
      d[H + j] = static_cast<T>(dc * c_prev[u] * f * (1 - f));
      d[2 * H + j] = static_cast<T>(dc * i * (1 - gg * gg));
      d[3 * H + j] = static_cast<T>(dh * tc * o * (1 - o));
      g_c_prev[u] = static_cast<T>(dc * f);
    }
}

}  // namespace thorax::kernels::ref
