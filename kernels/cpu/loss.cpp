#include "kernels/cpu/loss.h"

#include <algorithm>
#include <cmath>

namespace thorax::kernels::cpu {

static constexpr int64_t kParallelGrain = 1 << 14;

static inline float softplus(float x) { return std::max(x, 0.0f) + std::log1p(std::exp(-std::abs(x))); }

void bce_forward(const BceArgs<float>& a, float* loss) {
#pragma omp parallel for simd schedule(static) if (a.n > kParallelGrain)
  for (int64_t i = 0; i < a.n; ++i) {
    const float x = a.x[i], t = a.target[i];
    const float pw = a.pos_weight ? a.pos_weight[i % a.classes] : 1.0f, w = a.weight ? a.weight[i] : 1.0f;
    loss[i] = w * (pw * t * softplus(-x) + (1 - t) * softplus(x));
  }
}

void bce_backward(const BceArgs<float>& a, const float* g, float* gx) {
#pragma omp parallel for simd schedule(static) if (a.n > kParallelGrain)
  for (int64_t i = 0; i < a.n; ++i) {
    const float x = a.x[i], t = a.target[i];
    const float pw = a.pos_weight ? a.pos_weight[i % a.classes] : 1.0f, w = a.weight ? a.weight[i] : 1.0f;
    const float s = 1.0f / (1.0f + std::exp(-x));
    gx[i] = g[i] * w * ((1 - t) * s - pw * t * (1 - s));
  }
}

// One pass for the max, one for exp-sum; the row's log-sum-exp is all both directions need.
static inline float row_logsumexp(const float* x, int64_t c) {
  float m = x[0];
  for (int64_t k = 1; k < c; ++k) m = std::max(m, x[k]);
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t k = 0; k < c; ++k) s += std::exp(x[k] - m);
  return m + std::log(s);
}

void cross_entropy_forward(const CrossEntropyArgs<float>& a, float* loss) {
  const float eps = static_cast<float>(a.smoothing), inv_c = 1.0f / static_cast<float>(a.c);
#pragma omp parallel for schedule(static) if (a.n * a.c > kParallelGrain)
  for (int64_t i = 0; i < a.n; ++i) {
    const int64_t y = a.target[i];
    if (y == a.ignore_index) {
      loss[i] = 0;
      continue;
    }
    const float* x = a.logits + i * a.c;
    const float lse = row_logsumexp(x, a.c);
    float smooth = 0;
    for (int64_t k = 0; k < a.c; ++k) smooth += (a.class_weight ? a.class_weight[k] : 1.0f) * (lse - x[k]);
    const float wy = a.class_weight ? a.class_weight[y] : 1.0f;
    loss[i] = (1 - eps) * wy * (lse - x[y]) + eps * inv_c * smooth;
  }
}

void cross_entropy_backward(const CrossEntropyArgs<float>& a, const float* g, float* gx) {
  const float eps = static_cast<float>(a.smoothing), inv_c = 1.0f / static_cast<float>(a.c);
  float W = 0;
  for (int64_t k = 0; k < a.c; ++k) W += a.class_weight ? a.class_weight[k] : 1.0f;
#pragma omp parallel for schedule(static) if (a.n * a.c > kParallelGrain)
  for (int64_t i = 0; i < a.n; ++i) {
    const int64_t y = a.target[i];
    float* row = gx + i * a.c;
    if (y == a.ignore_index) {
      std::fill(row, row + a.c, 0.0f);
      continue;
    }
    const float* x = a.logits + i * a.c;
    const float lse = row_logsumexp(x, a.c);
    const float wy = a.class_weight ? a.class_weight[y] : 1.0f;
    const float gi = g[i];
    for (int64_t k = 0; k < a.c; ++k) {
      const float p = std::exp(x[k] - lse), wk = a.class_weight ? a.class_weight[k] : 1.0f;
      row[k] = gi * ((1 - eps) * wy * (p - (k == y ? 1.0f : 0.0f)) + eps * inv_c * (W * p - wk));
    }
  }
}

}  // namespace thorax::kernels::cpu
