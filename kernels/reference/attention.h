// Reference attention: every score, probability and product as plain loops, in double.
#pragma once
#include <cmath>
#include <vector>

#include "kernels/attention.h"

namespace thorax::kernels::ref {

inline bool attention_visible(const AttentionShape& s, int64_t i, int64_t j) {
  return !s.causal || j <= i + (s.lk - s.lq);
}

template <class T> double attention_score(const AttentionShape& s, const T* q, const T* k, int64_t b, int64_t i, int64_t j) {
  double acc = 0;
  for (int64_t e = 0; e < s.d; ++e) acc += static_cast<double>(q[(b * s.lq + i) * s.d + e]) * k[(b * s.lk + j) * s.d + e];
  return acc * s.scale;
}

template <class T>
void attention_forward(const AttentionShape& s, const T* q, const T* k, const T* v, T* o, T* lse) {
  std::vector<double> p(static_cast<size_t>(s.lk));
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t i = 0; i < s.lq; ++i) {
      double m = -INFINITY;
      for (int64_t j = 0; j < s.lk; ++j)
        if (attention_visible(s, i, j)) m = std::max(m, attention_score(s, q, k, b, i, j));
      double z = 0;
      for (int64_t j = 0; j < s.lk; ++j) {
        p[j] = attention_visible(s, i, j) ? std::exp(attention_score(s, q, k, b, i, j) - m) : 0.0;
        z += p[j];
      }
      lse[b * s.lq + i] = static_cast<T>(m + std::log(z));
      for (int64_t e = 0; e < s.dv; ++e) {
        double acc = 0;
        for (int64_t j = 0; j < s.lk; ++j) acc += p[j] / z * v[(b * s.lk + j) * s.dv + e];
        o[(b * s.lq + i) * s.dv + e] = static_cast<T>(acc);
      }
    }
}

template <class T>
void attention_backward(const AttentionShape& s, const T* q, const T* k, const T* v, const T* o, const T* lse,
                        const T* go, T* gq, T* gk, T* gv) {
  for (int64_t n = 0; n < s.batch * s.lq * s.d; ++n) gq[n] = 0;
  for (int64_t n = 0; n < s.batch * s.lk * s.d; ++n) gk[n] = 0;
  for (int64_t n = 0; n < s.batch * s.lk * s.dv; ++n) gv[n] = 0;
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t i = 0; i < s.lq; ++i) {
      const T* goi = go + (b * s.lq + i) * s.dv;
      const T* oi = o + (b * s.lq + i) * s.dv;
      double delta = 0;  // Σ_e go·o = Σ_j P_ij dP_ij
      for (int64_t e = 0; e < s.dv; ++e) delta += static_cast<double>(goi[e]) * oi[e];
      for (int64_t j = 0; j < s.lk; ++j) {
        if (!attention_visible(s, i, j)) continue;
        double p = std::exp(attention_score(s, q, k, b, i, j) - static_cast<double>(lse[b * s.lq + i]));
        double dp = 0;
        for (int64_t e = 0; e < s.dv; ++e) {
          dp += static_cast<double>(goi[e]) * v[(b * s.lk + j) * s.dv + e];
          gv[(b * s.lk + j) * s.dv + e] += static_cast<T>(p * goi[e]);
        }
        double ds = p * (dp - delta) * s.scale;
        for (int64_t e = 0; e < s.d; ++e) {
          gq[(b * s.lq + i) * s.d + e] += static_cast<T>(ds * k[(b * s.lk + j) * s.d + e]);
          gk[(b * s.lk + j) * s.d + e] += static_cast<T>(ds * q[(b * s.lq + i) * s.d + e]);
        }
      }
    }
}

}  // namespace thorax::kernels::ref
