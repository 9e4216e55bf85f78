#include "kernels/cpu/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/gemm.h"

namespace thorax::kernels::cpu {

namespace {

// Keys visible to query i: j < limit(i).
inline int64_t visible_limit(const AttentionShape& s, int64_t i) {
  return s.causal ? std::clamp<int64_t>(i + (s.lk - s.lq) + 1, 0, s.lk) : s.lk;
}

// P (in place over S) = softmax of each scaled, masked score row; writes lse.
void softmax_rows(const AttentionShape& s, float* S, float* lse) {
  for (int64_t i = 0; i < s.lq; ++i) {
    float* row = S + i * s.lk;
    const int64_t lim = visible_limit(s, i);
    float m = -INFINITY;
    for (int64_t j = 0; j < lim; ++j) m = std::max(m, row[j]);
    float z = 0;
    for (int64_t j = 0; j < lim; ++j) {
      row[j] = std::exp(row[j] - m);
      z += row[j];
    }
    const float inv = 1.0f / z;
    for (int64_t j = 0; j < lim; ++j) row[j] *= inv;
    for (int64_t j = lim; j < s.lk; ++j) row[j] = 0.0f;
    lse[i] = m + std::log(z);
  }
}

}  // namespace

void attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v, float* o, float* lse) {
  const auto gemm = gemm_op().cpu();
#pragma omp parallel
  {
    std::vector<float> S(static_cast<size_t>(s.lq * s.lk));
#pragma omp for schedule(static)
    for (int64_t b = 0; b < s.batch; ++b) {
      gemm(false, true, s.lq, s.lk, s.d, static_cast<float>(s.scale), q + b * s.lq * s.d, s.d, k + b * s.lk * s.d, s.d,
           0.0f, S.data(), s.lk);
      softmax_rows(s, S.data(), lse + b * s.lq);
      gemm(false, false, s.lq, s.dv, s.lk, 1.0f, S.data(), s.lk, v + b * s.lk * s.dv, s.dv, 0.0f, o + b * s.lq * s.dv,
           s.dv);
    }
  }
}

void attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* o,
                        const float* lse, const float* go, float* gq, float* gk, float* gv) {
  const auto gemm = gemm_op().cpu();
#pragma omp parallel
  {
    std::vector<float> P(static_cast<size_t>(s.lq * s.lk)), dS(static_cast<size_t>(s.lq * s.lk));
#pragma omp for schedule(static)
    for (int64_t b = 0; b < s.batch; ++b) {
      const float *qb = q + b * s.lq * s.d, *kb = k + b * s.lk * s.d, *vb = v + b * s.lk * s.dv;
      const float *ob = o + b * s.lq * s.dv, *gob = go + b * s.lq * s.dv, *lb = lse + b * s.lq;
      // P from the saved log-sum-exp: no second softmax pass.
      gemm(false, true, s.lq, s.lk, s.d, static_cast<float>(s.scale), qb, s.d, kb, s.d, 0.0f, P.data(), s.lk);
      for (int64_t i = 0; i < s.lq; ++i) {
        const int64_t lim = visible_limit(s, i);
        for (int64_t j = 0; j < s.lk; ++j) P[i * s.lk + j] = j < lim ? std::exp(P[i * s.lk + j] - lb[i]) : 0.0f;
      }
      gemm(true, false, s.lk, s.dv, s.lq, 1.0f, P.data(), s.lk, gob, s.dv, 0.0f, gv + b * s.lk * s.dv, s.dv);
      gemm(false, true, s.lq, s.lk, s.dv, 1.0f, gob, s.dv, vb, s.dv, 0.0f, dS.data(), s.lk);  // dP
      for (int64_t i = 0; i < s.lq; ++i) {
        float delta = 0;
        for (int64_t e = 0; e < s.dv; ++e) delta += gob[i * s.dv + e] * ob[i * s.dv + e];
        for (int64_t j = 0; j < s.lk; ++j)
          dS[i * s.lk + j] = P[i * s.lk + j] * (dS[i * s.lk + j] - delta) * static_cast<float>(s.scale);
      }
      gemm(false, false, s.lq, s.d, s.lk, 1.0f, dS.data(), s.lk, kb, s.d, 0.0f, gq + b * s.lq * s.d, s.d);
      gemm(true, false, s.lk, s.d, s.lq, 1.0f, dS.data(), s.lk, qb, s.d, 0.0f, gk + b * s.lk * s.d, s.d);
    }
  }
}

}  // namespace thorax::kernels::cpu
