// Reference layer normalization: one row at a time, two passes, accumulated in double.
#pragma once
#include <cmath>

#include "kernels/layer_norm.h"

namespace thorax::kernels::ref {

template <class T>
void layer_norm_forward(const T* x, const T* weight, const T* bias, T* y, T* save_mean, T* save_invstd, int64_t M,
                        int64_t D, double eps) {
  for (int64_t m = 0; m < M; ++m) {
    const T* xs = x + m * D;
    double sum = 0;
    for (int64_t j = 0; j < D; ++j) sum += static_cast<double>(xs[j]);
    const double mean = sum / static_cast<double>(D);
    double ss = 0;
    for (int64_t j = 0; j < D; ++j) ss += (static_cast<double>(xs[j]) - mean) * (static_cast<double>(xs[j]) - mean);
    const double invstd = 1.0 / std::sqrt(ss / static_cast<double>(D) + eps);
    save_mean[m] = static_cast<T>(mean);
    save_invstd[m] = static_cast<T>(invstd);
    for (int64_t j = 0; j < D; ++j) {
      double v = (static_cast<double>(xs[j]) - mean) * invstd;
      if (weight) v *= static_cast<double>(weight[j]);
      if (bias) v += static_cast<double>(bias[j]);
      y[m * D + j] = static_cast<T>(v);
    }
  }
}

template <class T>
void layer_norm_backward(const T* x, const T* gy, const T* weight, const T* save_mean, const T* save_invstd, T* gx,
                         T* gweight, T* gbias, int64_t M, int64_t D) {
  for (int64_t j = 0; j < D; ++j) {
    double gw = 0, gb = 0;
    for (int64_t m = 0; m < M; ++m) {
      double xhat = (static_cast<double>(x[m * D + j]) - static_cast<double>(save_mean[m])) *
                    static_cast<double>(save_invstd[m]);
      gw += static_cast<double>(gy[m * D + j]) * xhat;
      gb += static_cast<double>(gy[m * D + j]);
    }
    if (gweight) gweight[j] = static_cast<T>(gw);
    if (gbias) gbias[j] = static_cast<T>(gb);
  }
  if (!gx) return;
  for (int64_t m = 0; m < M; ++m) {
    const double mean = static_cast<double>(save_mean[m]), invstd = static_cast<double>(save_invstd[m]);
    // With h = g * weight (the gradient reaching xhat), gx = invstd * (h - mean(h) - xhat * mean(h * xhat)).
    double sum_h = 0, sum_hx = 0;
    for (int64_t j = 0; j < D; ++j) {
      double h = static_cast<double>(gy[m * D + j]) * (weight ? static_cast<double>(weight[j]) : 1.0);
      sum_h += h;
      sum_hx += h * (static_cast<double>(x[m * D + j]) - mean) * invstd;
    }
    const double mean_h = sum_h / static_cast<double>(D), mean_hx = sum_hx / static_cast<double>(D);
    for (int64_t j = 0; j < D; ++j) {
      double h = static_cast<double>(gy[m * D + j]) * (weight ? static_cast<double>(weight[j]) : 1.0);
      double xhat = (static_cast<double>(x[m * D + j]) - mean) * invstd;
      gx[m * D + j] = static_cast<T>(invstd * (h - mean_h - xhat * mean_hx));
    }
  }
}

}  // namespace thorax::kernels::ref
