#include "kernels/cpu/batch_norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace thorax::kernels::cpu {

static constexpr int64_t kParallelGrain = 1 << 15;
static constexpr int64_t kChannelBlock = 64;  // channels per task when S = 1

namespace {

// Per-channel sums of a(x, g) and b(x, g) over the batch, with `center[c]` passed to both. Partial sums
// are taken per (n, c) row, then added per channel in order of n: the same order for any thread count.
template <class F>
void channel_sums(const float* x, const float* gy, const double* center, BatchNormDims d, bool par, F f,
                  std::vector<double>& sa, std::vector<double>& sb) {
  const int64_t N = d.N, C = d.C, S = d.S;
  sa.assign(static_cast<size_t>(C), 0.0);
  sb.assign(static_cast<size_t>(C), 0.0);
  if (S == 1) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t c0 = 0; c0 < C; c0 += kChannelBlock) {
      const int64_t c1 = std::min(C, c0 + kChannelBlock);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = c0; c < c1; ++c) {
          auto [a, b] = f(x[n * C + c], gy ? gy[n * C + c] : 0.0f, center[c]);
          sa[c] += a;
          sb[c] += b;
        }
    }
    return;
  }
  std::vector<double> ra(static_cast<size_t>(N * C)), rb(static_cast<size_t>(N * C));
#pragma omp parallel for schedule(static) if (par)
  for (int64_t r = 0; r < N * C; ++r) {
    const float* xs = x + r * S;
    const float* gs = gy ? gy + r * S : nullptr;
    const double m = center[r % C];
    double a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
    for (int64_t s = 0; s < S; ++s) {
      auto [da, db] = f(xs[s], gs ? gs[s] : 0.0f, m);
      a += da;
      b += db;
    }
    ra[r] = a;
    rb[r] = b;
  }
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c) {
      sa[c] += ra[n * C + c];
      sb[c] += rb[n * C + c];
    }
}

struct Pair {
  double a, b;
};

}  // namespace

void batch_norm_forward(const float* x, const float* weight, const float* bias, float* y, float* save_mean,
                        float* save_invstd, float* running_mean, float* running_var, BatchNormDims d,
                        BatchNormParams p) {
  const int64_t N = d.N, C = d.C, S = d.S, M = N * S;
  const bool par = N * C * S > kParallelGrain;
  std::vector<double> mean(static_cast<size_t>(C)), invstd(static_cast<size_t>(C));
  if (p.training) {
    // Two passes (sum, then squared deviations from the channel mean): one-pass E[x²] - E[x]² loses
    // everything to cancellation when |mean| >> std.
    std::vector<double> zero(static_cast<size_t>(C), 0.0), sum, unused, ss;
    channel_sums(x, nullptr, zero.data(), d, par,
                 [](float v, float, double) { return Pair{v, 0.0}; }, sum, unused);
    for (int64_t c = 0; c < C; ++c) mean[c] = sum[c] / static_cast<double>(M);
    channel_sums(x, nullptr, mean.data(), d, par,
                 [](float v, float, double m) { return Pair{(v - m) * (v - m), 0.0}; }, ss, unused);
    for (int64_t c = 0; c < C; ++c) {
      invstd[c] = 1.0 / std::sqrt(ss[c] / static_cast<double>(M) + p.eps);
      if (running_mean) running_mean[c] = static_cast<float>((1 - p.momentum) * running_mean[c] + p.momentum * mean[c]);
      if (running_var)
        running_var[c] = static_cast<float>((1 - p.momentum) * running_var[c] +
                                            p.momentum * ss[c] / static_cast<double>(M - 1));
    }
  } else {
    for (int64_t c = 0; c < C; ++c) {
      mean[c] = running_mean[c];
      invstd[c] = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + p.eps);
    }
  }
  std::vector<float> mean_f(static_cast<size_t>(C)), scale(static_cast<size_t>(C)), shift(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) {
    save_mean[c] = mean_f[c] = static_cast<float>(mean[c]);
    save_invstd[c] = static_cast<float>(invstd[c]);
    scale[c] = static_cast<float>(invstd[c] * (weight ? weight[c] : 1.0));
    shift[c] = bias ? bias[c] : 0.0f;
  }
  if (S == 1) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t n = 0; n < N; ++n)
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) y[n * C + c] = (x[n * C + c] - mean_f[c]) * scale[c] + shift[c];
    return;
  }
#pragma omp parallel for schedule(static) if (par)
  for (int64_t r = 0; r < N * C; ++r) {
    const int64_t c = r % C;
    const float m = mean_f[c], k = scale[c], b = shift[c];
    const float* xs = x + r * S;
    float* ys = y + r * S;
#pragma omp simd
    for (int64_t s = 0; s < S; ++s) ys[s] = (xs[s] - m) * k + b;
  }
}

void batch_norm_backward(const float* x, const float* gy, const float* weight, const float* save_mean,
                         const float* save_invstd, float* gx, float* gweight, float* gbias, BatchNormDims d,
                         BatchNormParams p) {
  const int64_t N = d.N, C = d.C, S = d.S, M = N * S;
  const bool par = N * C * S > kParallelGrain;
  std::vector<double> mean(save_mean, save_mean + C), sum_g, sum_gdev;
  channel_sums(x, gy, mean.data(), d, par, [](float v, float g, double m) { return Pair{g, g * (v - m)}; }, sum_g,
               sum_gdev);
  // gx = w * invstd * (g - mean_g - (x - mean) * k); mean_g and k vanish in eval (constant statistics).
  std::vector<float> mean_f(static_cast<size_t>(C)), a(static_cast<size_t>(C)), mean_g(static_cast<size_t>(C)),
      k(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) {
    const double invstd = save_invstd[c];
    if (gbias) gbias[c] = static_cast<float>(sum_g[c]);
    if (gweight) gweight[c] = static_cast<float>(sum_gdev[c] * invstd);
    mean_f[c] = save_mean[c];
    a[c] = static_cast<float>((weight ? weight[c] : 1.0) * invstd);
    mean_g[c] = p.training ? static_cast<float>(sum_g[c] / static_cast<double>(M)) : 0.0f;
    k[c] = p.training ? static_cast<float>(sum_gdev[c] * invstd * invstd / static_cast<double>(M)) : 0.0f;
  }
  if (!gx) return;
  if (S == 1) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t n = 0; n < N; ++n)
#pragma omp simd
      for (int64_t c = 0; c < C; ++c)
        gx[n * C + c] = a[c] * (gy[n * C + c] - mean_g[c] - (x[n * C + c] - mean_f[c]) * k[c]);
    return;
  }
#pragma omp parallel for schedule(static) if (par)
  for (int64_t r = 0; r < N * C; ++r) {
    const int64_t c = r % C;
    const float m = mean_f[c], ac = a[c], mg = mean_g[c], kc = k[c];
    const float* xs = x + r * S;
    const float* gs = gy + r * S;
    float* out = gx + r * S;
#pragma omp simd
    for (int64_t s = 0; s < S; ++s) out[s] = ac * (gs[s] - mg - (xs[s] - m) * kc);
  }
}

}  // namespace thorax::kernels::cpu
