// Reference loss kernels: one element (BCE) or one row (CE) at a time, in double.
#pragma once
#include <cmath>
#include <vector>

#include "kernels/loss.h"

namespace thorax::kernels::ref {

inline double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

template <class T> void bce_forward(const BceArgs<T>& a, T* loss) {
  for (int64_t i = 0; i < a.n; ++i) {
    double x = a.x[i], t = a.target[i];
    double pw = a.pos_weight ? a.pos_weight[i % a.classes] : 1.0, w = a.weight ? a.weight[i] : 1.0;
    loss[i] = static_cast<T>(w * (pw * t * softplus(-x) + (1 - t) * softplus(x)));
  }
}

template <class T> void bce_backward(const BceArgs<T>& a, const T* g, T* gx) {
  for (int64_t i = 0; i < a.n; ++i) {
    double x = a.x[i], t = a.target[i];
    double pw = a.pos_weight ? a.pos_weight[i % a.classes] : 1.0, w = a.weight ? a.weight[i] : 1.0;
    double s = 1.0 / (1.0 + std::exp(-x));
    gx[i] = static_cast<T>(g[i] * w * ((1 - t) * s - pw * t * (1 - s)));
  }
}

// log-softmax of one row into `logp` (length c).
template <class T> void log_softmax_row(const T* x, int64_t c, double* logp) {
  double m = x[0];
  for (int64_t k = 1; k < c; ++k) m = std::max(m, static_cast<double>(x[k]));
  double s = 0;
  for (int64_t k = 0; k < c; ++k) s += std::exp(static_cast<double>(x[k]) - m);
  double lse = m + std::log(s);
  for (int64_t k = 0; k < c; ++k) logp[k] = static_cast<double>(x[k]) - lse;
}

template <class T> void cross_entropy_forward(const CrossEntropyArgs<T>& a, T* loss) {
  std::vector<double> logp(static_cast<size_t>(a.c));
  for (int64_t i = 0; i < a.n; ++i) {
    const int64_t y = a.target[i];
    if (y == a.ignore_index) {
      loss[i] = 0;
      continue;
    }
    log_softmax_row(a.logits + i * a.c, a.c, logp.data());
    double smooth = 0;
    for (int64_t k = 0; k < a.c; ++k) smooth -= (a.class_weight ? a.class_weight[k] : 1.0) * logp[k];
    double wy = a.class_weight ? a.class_weight[y] : 1.0;
    loss[i] = static_cast<T>((1 - a.smoothing) * wy * -logp[y] + a.smoothing / static_cast<double>(a.c) * smooth);
  }
}

template <class T> void cross_entropy_backward(const CrossEntropyArgs<T>& a, const T* g, T* gx) {
  std::vector<double> logp(static_cast<size_t>(a.c));
  double W = 0;
  for (int64_t k = 0; k < a.c; ++k) W += a.class_weight ? a.class_weight[k] : 1.0;
  for (int64_t i = 0; i < a.n; ++i) {
    const int64_t y = a.target[i];
    T* row = gx + i * a.c;
    if (y == a.ignore_index) {
      for (int64_t k = 0; k < a.c; ++k) row[k] = 0;
      continue;
    }
    log_softmax_row(a.logits + i * a.c, a.c, logp.data());
    double wy = a.class_weight ? a.class_weight[y] : 1.0;
    for (int64_t k = 0; k < a.c; ++k) {
      double p = std::exp(logp[k]), wk = a.class_weight ? a.class_weight[k] : 1.0;
      double d = (1 - a.smoothing) * wy * (p - (k == y ? 1.0 : 0.0)) +
                 a.smoothing / static_cast<double>(a.c) * (W * p - wk);
      row[k] = static_cast<T>(g[i] * d);
    }
  }
}

}  // namespace thorax::kernels::ref
