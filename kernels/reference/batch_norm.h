// Reference batch normalization: one channel at a time, two passes (mean, then squared deviations),
// accumulated in double.
#pragma once
#include <cmath>

#include "kernels/batch_norm.h"

namespace thorax::kernels::ref {

template <class T>
void batch_norm_forward(const T* x, const T* weight, const T* bias, T* y, T* save_mean, T* save_invstd,
                        T* running_mean, T* running_var, BatchNormDims d, BatchNormParams p) {
  const int64_t M = d.N * d.S;
  auto at = [&](int64_t n, int64_t c, int64_t s) { return (n * d.C + c) * d.S + s; };
  for (int64_t c = 0; c < d.C; ++c) {
    double mean, invstd;
    if (p.training) {
      double sum = 0;
      for (int64_t n = 0; n < d.N; ++n)
        for (int64_t s = 0; s < d.S; ++s) sum += static_cast<double>(x[at(n, c, s)]);
      mean = sum / static_cast<double>(M);
      double ss = 0;
      for (int64_t n = 0; n < d.N; ++n)
        for (int64_t s = 0; s < d.S; ++s) {
          double dev = static_cast<double>(x[at(n, c, s)]) - mean;
          ss += dev * dev;
        }
      double var = ss / static_cast<double>(M);
      invstd = 1.0 / std::sqrt(var + p.eps);
      if (running_mean)
        running_mean[c] = static_cast<T>((1 - p.momentum) * static_cast<double>(running_mean[c]) + p.momentum * mean);
      if (running_var)
        running_var[c] = static_cast<T>((1 - p.momentum) * static_cast<double>(running_var[c]) +
                                        p.momentum * ss / static_cast<double>(M - 1));
    } else {
      mean = static_cast<double>(running_mean[c]);
      invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + p.eps);
    }
    save_mean[c] = static_cast<T>(mean);
    save_invstd[c] = static_cast<T>(invstd);
    const double w = weight ? static_cast<double>(weight[c]) : 1.0, b = bias ? static_cast<double>(bias[c]) : 0.0;
    for (int64_t n = 0; n < d.N; ++n)
      for (int64_t s = 0; s < d.S; ++s)
        y[at(n, c, s)] = static_cast<T>((static_cast<double>(x[at(n, c, s)]) - mean) * invstd * w + b);
  }
}

template <class T>
void batch_norm_backward(const T* x, const T* gy, const T* weight, const T* save_mean, const T* save_invstd, T* gx,
                         T* gweight, T* gbias, BatchNormDims d, BatchNormParams p) {
  const int64_t M = d.N * d.S;
  auto at = [&](int64_t n, int64_t c, int64_t s) { return (n * d.C + c) * d.S + s; };
  for (int64_t c = 0; c < d.C; ++c) {
    const double mean = static_cast<double>(save_mean[c]), invstd = static_cast<double>(save_invstd[c]);
    double sum_g = 0, sum_gdev = 0;  // sum(g), sum(g * (x - mean))
    for (int64_t n = 0; n < d.N; ++n)
      for (int64_t s = 0; s < d.S; ++s) {
        double g = static_cast<double>(gy[at(n, c, s)]);
        sum_g += g;
        sum_gdev += g * (static_cast<double>(x[at(n, c, s)]) - mean);
      }
    if (gbias) gbias[c] = static_cast<T>(sum_g);
    if (gweight) gweight[c] = static_cast<T>(sum_gdev * invstd);
    if (!gx) continue;
    const double w = weight ? static_cast<double>(weight[c]) : 1.0;
    // Training: y depends on x also through the mean and variance, which adds the two correction terms
    // (d/dx of xhat = (x - mean) * invstd summed over the channel).
    const double mean_g = p.training ? sum_g / static_cast<double>(M) : 0.0;
    const double k = p.training ? sum_gdev * invstd * invstd / static_cast<double>(M) : 0.0;
    for (int64_t n = 0; n < d.N; ++n)
      for (int64_t s = 0; s < d.S; ++s) {
        double dev = static_cast<double>(x[at(n, c, s)]) - mean;
        gx[at(n, c, s)] = static_cast<T>(w * invstd * (static_cast<double>(gy[at(n, c, s)]) - mean_g - dev * k));
      }
  }
}

}  // namespace thorax::kernels::ref
