#include "kernels/cpu/nt_xent.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/gemm.h"

namespace thorax::kernels::cpu {

namespace {

// Normalized rows ẑ and S = ẑẑᵀ/τ (the 1/τ folded into GEMM's alpha).
void similarity(const float* z, int64_t n2, int64_t d, double tau, std::vector<float>& zn, std::vector<float>& norm,
                std::vector<float>& S) {
  zn.resize(static_cast<size_t>(n2 * d));
  norm.resize(static_cast<size_t>(n2));
  S.resize(static_cast<size_t>(n2 * n2));
#pragma omp parallel for schedule(static) if (n2 * d > 4096)
  for (int64_t i = 0; i < n2; ++i) {
    double s = 0;
    for (int64_t e = 0; e < d; ++e) s += static_cast<double>(z[i * d + e]) * z[i * d + e];
    norm[i] = static_cast<float>(std::max(std::sqrt(s), 1e-12));
    const float inv = 1.0f / norm[i];
    for (int64_t e = 0; e < d; ++e) zn[i * d + e] = z[i * d + e] * inv;
  }
  gemm_op().cpu()(false, true, n2, n2, d, static_cast<float>(1.0 / tau), zn.data(), d, zn.data(), d, 0.0f, S.data(),
                  n2);
}

// Row i of S with the diagonal excluded: its max and the sum of exp(S − max).
inline void row_stats(const float* row, int64_t i, int64_t n2, float& m, float& s) {
  m = -INFINITY;
  for (int64_t k = 0; k < n2; ++k)
    if (k != i) m = std::max(m, row[k]);
  s = 0;
  for (int64_t k = 0; k < n2; ++k)
    if (k != i) s += std::exp(row[k] - m);
}

}  // namespace

float nt_xent_forward(const float* z, int64_t n2, int64_t d, double tau) {
  std::vector<float> zn, norm, S;
  similarity(z, n2, d, tau, zn, norm, S);
  const int64_t half = n2 / 2;
  double total = 0;
#pragma omp parallel for schedule(static) reduction(+ : total) if (n2 > 64)
  for (int64_t i = 0; i < n2; ++i) {
    const float* row = S.data() + i * n2;
    float m, s;
    row_stats(row, i, n2, m, s);
    total += static_cast<double>(m + std::log(s) - row[(i + half) % n2]);
  }
  return static_cast<float>(total / static_cast<double>(n2));
}

namespace {

void nt_xent_backward(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz) {
  std::vector<float> zn, norm, S;
  similarity(z, n2, d, tau, zn, norm, S);
  const int64_t half = n2 / 2;
  const float scale = g / static_cast<float>(n2);
  // S becomes dS in place, row by row.
#pragma omp parallel for schedule(static) if (n2 > 64)
  for (int64_t i = 0; i < n2; ++i) {
    float* row = S.data() + i * n2;
    float m, s;
    row_stats(row, i, n2, m, s);
    const float inv_s = 1.0f / s;
    for (int64_t k = 0; k < n2; ++k) row[k] = k == i ? 0.0f : scale * std::exp(row[k] - m) * inv_s;
    row[(i + half) % n2] -= scale;
  }
  // M = dS + dSᵀ (symmetric), then dẑ = M ẑ / τ.
  std::vector<float> M(static_cast<size_t>(n2 * n2));
#pragma omp parallel for schedule(static) if (n2 > 64)
  for (int64_t i = 0; i < n2; ++i)
    for (int64_t k = 0; k < n2; ++k) M[i * n2 + k] = S[i * n2 + k] + S[k * n2 + i];
  std::vector<float> dzn(static_cast<size_t>(n2 * d));
  gemm_op().cpu()(false, false, n2, d, n2, static_cast<float>(1.0 / tau), M.data(), n2, zn.data(), d, 0.0f,
                  dzn.data(), d);
#pragma omp parallel for schedule(static) if (n2 * d > 4096)
  for (int64_t i = 0; i < n2; ++i) {
    const float* zi = zn.data() + i * d;
    const float* gi = dzn.data() + i * d;
    float dot = 0;
    for (int64_t e = 0; e < d; ++e) dot += zi[e] * gi[e];
    const float inv = 1.0f / norm[i];
    for (int64_t e = 0; e < d; ++e) gz[i * d + e] = (gi[e] - zi[e] * dot) * inv;
  }
}

}  // namespace

float nt_xent_forward_backward(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz) {
  nt_xent_backward(z, n2, d, tau, g, gz);
  return nt_xent_forward(z, n2, d, tau);
}

}  // namespace thorax::kernels::cpu
