#include "kernels/cpu/layer_norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace thorax::kernels::cpu {

static constexpr int64_t kParallelGrain = 1 << 15;
static constexpr int64_t kColumnBlock = 256;  // columns per task for the weight/bias gradient

void layer_norm_forward(const float* x, const float* weight, const float* bias, float* y, float* save_mean,
                        float* save_invstd, int64_t M, int64_t D, double eps) {
  const bool par = M * D > kParallelGrain;
#pragma omp parallel for schedule(static) if (par)
  for (int64_t m = 0; m < M; ++m) {
    const float* xs = x + m * D;
    float* ys = y + m * D;
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < D; ++j) sum += xs[j];
    const double mean = sum / static_cast<double>(D);
    double ss = 0;  // a second pass: E[x²] - E[x]² cancels catastrophically when |mean| >> std
#pragma omp simd reduction(+ : ss)
    for (int64_t j = 0; j < D; ++j) ss += (xs[j] - mean) * (xs[j] - mean);
    const double invstd = 1.0 / std::sqrt(ss / static_cast<double>(D) + eps);
    save_mean[m] = static_cast<float>(mean);
    save_invstd[m] = static_cast<float>(invstd);
    const float mf = static_cast<float>(mean), k = static_cast<float>(invstd);
    if (weight && bias) {
#pragma omp simd
      for (int64_t j = 0; j < D; ++j) ys[j] = (xs[j] - mf) * k * weight[j] + bias[j];
    } else {
#pragma omp simd
      for (int64_t j = 0; j < D; ++j) ys[j] = (xs[j] - mf) * k * (weight ? weight[j] : 1.0f) + (bias ? bias[j] : 0.0f);
    }
  }
}

void layer_norm_backward(const float* x, const float* gy, const float* weight, const float* save_mean,
                         const float* save_invstd, float* gx, float* gweight, float* gbias, int64_t M, int64_t D) {
  const bool par = M * D > kParallelGrain;
  if (gweight || gbias) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t j0 = 0; j0 < D; j0 += kColumnBlock) {
      const int64_t width = std::min(D, j0 + kColumnBlock) - j0;
      double gw[kColumnBlock] = {}, gb[kColumnBlock] = {};
      for (int64_t m = 0; m < M; ++m) {
        const float* xs = x + m * D + j0;
        const float* gs = gy + m * D + j0;
        const double mean = save_mean[m], invstd = save_invstd[m];
#pragma omp simd
        for (int64_t j = 0; j < width; ++j) {
          gw[j] += gs[j] * ((xs[j] - mean) * invstd);
          gb[j] += gs[j];
        }
      }
      for (int64_t j = 0; j < width; ++j) {
        if (gweight) gweight[j0 + j] = static_cast<float>(gw[j]);
        if (gbias) gbias[j0 + j] = static_cast<float>(gb[j]);
      }
    }
  }
  if (!gx) return;
#pragma omp parallel for schedule(static) if (par)
  for (int64_t m = 0; m < M; ++m) {
    const float* xs = x + m * D;
    const float* gs = gy + m * D;
    float* out = gx + m * D;
    const double mean = save_mean[m], invstd = save_invstd[m];
    // h = g * weight is the gradient reaching xhat; gx = invstd * (h - mean(h) - xhat * mean(h * xhat)).
    double sum_h = 0, sum_hx = 0;
#pragma omp simd reduction(+ : sum_h, sum_hx)
    for (int64_t j = 0; j < D; ++j) {
      const double h = gs[j] * (weight ? weight[j] : 1.0f);
      sum_h += h;
      sum_hx += h * ((xs[j] - mean) * invstd);
    }
    const float mf = static_cast<float>(mean), k = static_cast<float>(invstd);
    const float mean_h = static_cast<float>(sum_h / static_cast<double>(D));
    const float mean_hx = static_cast<float>(sum_hx / static_cast<double>(D));
#pragma omp simd
    for (int64_t j = 0; j < D; ++j) {
      const float h = gs[j] * (weight ? weight[j] : 1.0f);
      out[j] = k * (h - mean_h - (xs[j] - mf) * k * mean_hx);
    }
  }
}

}  // namespace thorax::kernels::cpu
