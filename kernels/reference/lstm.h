// Reference LSTM cell: one hidden unit at a time, in double.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

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

// The whole sequence as the definition reads: per step, every gate pre-activation summed in double
// from the input, the previous hidden state and the bias, then the reference cell.
template <class T>
void lstm_layer_forward(const T* x, const T* w_ih, const T* w_hh, const T* bias, const T* h0, const T* c0, T* h, T* c,
                        T* act, LstmLayerDims d, bool reverse) {
  const int64_t N = d.N, I = d.I, H = d.H, G = 4 * H;
  std::vector<T> gates(static_cast<size_t>(N * G)), zeros(static_cast<size_t>(N * H), T(0));
  const T* hp = h0 ? h0 : zeros.data();
  const T* cp = c0 ? c0 : zeros.data();
  for (int64_t s = 0; s < d.T; ++s) {
    const int64_t t = reverse ? d.T - 1 - s : s;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < G; ++g) {
        double acc = bias ? static_cast<double>(bias[g]) : 0.0;
        for (int64_t i = 0; i < I; ++i) acc += static_cast<double>(x[(t * N + n) * I + i]) * w_ih[g * I + i];
        for (int64_t j = 0; j < H; ++j) acc += static_cast<double>(hp[n * H + j]) * w_hh[g * H + j];
        gates[static_cast<size_t>(n * G + g)] = static_cast<T>(acc);
      }
    lstm_cell_forward<T>(gates.data(), cp, h + t * N * H, c + t * N * H, act + t * N * G, N, H);
    hp = h + t * N * H, cp = c + t * N * H;
  }
}

template <class T>
void lstm_layer_backward(const T* x, const T* w_ih, const T* w_hh, const T* h0, const T* c0, const T* h, const T* c,
                         const T* act, const T* gh, const T* gh_n, const T* gc_n, T* gx, T* gw_ih, T* gw_hh, T* gbias,
                         T* gh0, T* gc0, LstmLayerDims d, bool reverse) {
  const int64_t N = d.N, I = d.I, H = d.H, G = 4 * H, Tn = d.T;
  std::vector<T> dG(static_cast<size_t>(Tn * N * G)), dh(static_cast<size_t>(N * H)),
      dc_prev(static_cast<size_t>(N * H));
  std::vector<T> dh_next(static_cast<size_t>(N * H), T(0)), dc_next(static_cast<size_t>(N * H), T(0));
  std::vector<T> zeros(static_cast<size_t>(N * H), T(0));
  if (gh_n) dh_next.assign(gh_n, gh_n + N * H);
  if (gc_n) dc_next.assign(gc_n, gc_n + N * H);
  // The state before step s (processing order): h0/c0 for the first, else the previous step's.
  auto prev = [&](const T* seq, const T* init, int64_t s) -> const T* {
    if (s == 0) return init ? init : zeros.data();
    return seq + (reverse ? Tn - s : s - 1) * N * H;
  };
  for (int64_t s = Tn - 1; s >= 0; --s) {
    const int64_t t = reverse ? Tn - 1 - s : s;
    for (int64_t u = 0; u < N * H; ++u)
      dh[static_cast<size_t>(u)] = (gh ? gh[t * N * H + u] : T(0)) + dh_next[static_cast<size_t>(u)];
    T* dGt = dG.data() + t * N * G;
    lstm_cell_backward<T>(act + t * N * G, prev(c, c0, s), c + t * N * H, dh.data(), dc_next.data(), dGt,
                          dc_prev.data(), N, H);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < H; ++j) {
        double acc = 0;
        for (int64_t g = 0; g < G; ++g) acc += static_cast<double>(dGt[n * G + g]) * w_hh[g * H + j];
        dh_next[static_cast<size_t>(n * H + j)] = static_cast<T>(acc);
      }
    dc_next = dc_prev;
  }
  if (gh0) std::copy(dh_next.begin(), dh_next.end(), gh0);
  if (gc0) std::copy(dc_next.begin(), dc_next.end(), gc0);
  for (int64_t g = 0; g < G; ++g) {
    std::vector<double> ai(static_cast<size_t>(I), 0.0), ah(static_cast<size_t>(H), 0.0);
    double ab = 0;
    for (int64_t s = 0; s < Tn; ++s) {
      const int64_t t = reverse ? Tn - 1 - s : s;
      const T* hp = prev(h, h0, s);
      for (int64_t n = 0; n < N; ++n) {
        const double v = dG[static_cast<size_t>((t * N + n) * G + g)];
        ab += v;
        for (int64_t i = 0; i < I; ++i) ai[static_cast<size_t>(i)] += v * x[(t * N + n) * I + i];
        for (int64_t j = 0; j < H; ++j) ah[static_cast<size_t>(j)] += v * hp[n * H + j];
      }
    }
    if (gbias) gbias[g] = static_cast<T>(ab);
    for (int64_t i = 0; gw_ih && i < I; ++i) gw_ih[g * I + i] = static_cast<T>(ai[static_cast<size_t>(i)]);
    for (int64_t j = 0; gw_hh && j < H; ++j) gw_hh[g * H + j] = static_cast<T>(ah[static_cast<size_t>(j)]);
  }
  for (int64_t r = 0; gx && r < Tn * N; ++r)
    for (int64_t i = 0; i < I; ++i) {
      double acc = 0;
      for (int64_t g = 0; g < G; ++g) acc += static_cast<double>(dG[static_cast<size_t>(r * G + g)]) * w_ih[g * I + i];
      gx[r * I + i] = static_cast<T>(acc);
    }
}

}  // namespace thorax::kernels::ref
