// Reference NT-Xent: the similarity matrix and every sum as plain loops, in double.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/nt_xent.h"

namespace thorax::kernels::ref {

// ẑ (normalized rows) and the norms used, as doubles.
template <class T> void nt_xent_normalize(const T* z, int64_t n2, int64_t d, std::vector<double>& zn, std::vector<double>& norm) {
  zn.assign(static_cast<size_t>(n2 * d), 0.0);
  norm.assign(static_cast<size_t>(n2), 0.0);
  for (int64_t i = 0; i < n2; ++i) {
    double s = 0;
    for (int64_t k = 0; k < d; ++k) s += static_cast<double>(z[i * d + k]) * z[i * d + k];
    norm[i] = std::max(std::sqrt(s), 1e-12);
    for (int64_t k = 0; k < d; ++k) zn[i * d + k] = z[i * d + k] / norm[i];
  }
}

template <class T> double nt_xent_similarity(const std::vector<double>& zn, int64_t i, int64_t k, int64_t d, double tau) {
  double s = 0;
  for (int64_t e = 0; e < d; ++e) s += zn[i * d + e] * zn[k * d + e];
  return s / tau;
}

template <class T> T nt_xent_forward(const T* z, int64_t n2, int64_t d, double tau) {
  std::vector<double> zn, norm;
  nt_xent_normalize(z, n2, d, zn, norm);
  const int64_t half = n2 / 2;
  double total = 0;
  for (int64_t i = 0; i < n2; ++i) {
    double m = -INFINITY;
    for (int64_t k = 0; k < n2; ++k)
      if (k != i) m = std::max(m, nt_xent_similarity<T>(zn, i, k, d, tau));
    double s = 0;
    for (int64_t k = 0; k < n2; ++k)
      if (k != i) s += std::exp(nt_xent_similarity<T>(zn, i, k, d, tau) - m);
    total += m + std::log(s) - nt_xent_similarity<T>(zn, i, (i + half) % n2, d, tau);
  }
  return static_cast<T>(total / static_cast<double>(n2));
}

template <class T> void nt_xent_backward(const T* z, int64_t n2, int64_t d, double tau, T g, T* gz) {
  std::vector<double> zn, norm;
  nt_xent_normalize(z, n2, d, zn, norm);
  const int64_t half = n2 / 2;
  // dS_ik = g/(2N) · (softmax_{k≠i}(S_i)_k − [k = pos(i)]), zero on the diagonal.
  std::vector<double> dS(static_cast<size_t>(n2 * n2), 0.0);
  for (int64_t i = 0; i < n2; ++i) {
    double m = -INFINITY, s = 0;
    for (int64_t k = 0; k < n2; ++k)
      if (k != i) m = std::max(m, nt_xent_similarity<T>(zn, i, k, d, tau));
    for (int64_t k = 0; k < n2; ++k)
      if (k != i) s += std::exp(nt_xent_similarity<T>(zn, i, k, d, tau) - m);
    for (int64_t k = 0; k < n2; ++k) {
      if (k == i) continue;
      double p = std::exp(nt_xent_similarity<T>(zn, i, k, d, tau) - m) / s;
      dS[i * n2 + k] = static_cast<double>(g) / static_cast<double>(n2) * (p - (k == (i + half) % n2 ? 1.0 : 0.0));
    }
  }
  for (int64_t i = 0; i < n2; ++i) {
    // dẑ_i = Σ_k (dS_ik + dS_ki) ẑ_k / τ, then through ẑ = z/‖z‖: dz = (dẑ − ẑ(ẑ·dẑ)) / ‖z‖.
    std::vector<double> dzn(static_cast<size_t>(d), 0.0);
    for (int64_t k = 0; k < n2; ++k) {
      double c = (dS[i * n2 + k] + dS[k * n2 + i]) / tau;
      for (int64_t e = 0; e < d; ++e) dzn[e] += c * zn[k * d + e];
    }
    double dot = 0;
    for (int64_t e = 0; e < d; ++e) dot += zn[i * d + e] * dzn[e];
    for (int64_t e = 0; e < d; ++e) gz[i * d + e] = static_cast<T>((dzn[e] - zn[i * d + e] * dot) / norm[i]);
  }
}

template <class T> T nt_xent_forward_backward(const T* z, int64_t n2, int64_t d, double tau, T g, T* gz) {
  nt_xent_backward(z, n2, d, tau, g, gz);
  return nt_xent_forward(z, n2, d, tau);
}

}  // namespace thorax::kernels::ref
