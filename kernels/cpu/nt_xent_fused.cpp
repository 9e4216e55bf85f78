#include "kernels/cpu/nt_xent_fused.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/gemm_packed.h"
#include "kernels/cpu/nt_xent_rows.h"

namespace thorax::kernels::cpu {

namespace {

// Rows of S per GEMM of its lower block triangle (a multiple of every vector width).
constexpr int64_t kRowBlock = 64;

struct Isa {
  const GemmBlocking& bk;
  const NtXentRowKernels& rows;
};

// With gz null, the loss only. One parallel region for the whole op (its phases take tens to hundreds
// of microseconds, so waking the thread team for each would cost a noticeable share); the products run
// on their task's thread, on operands packed once (ẑᵀ for S, ẑ for dẑ) with the other read in place.
float fused(const Isa& isa, const float* z, int64_t n2, int64_t d, double tau, float g, float* gz) {
  const GemmBlocking& bk = isa.bk;
  const bool par = !omp_in_parallel() && n2 * n2 * d > (1 << 16);
  AlignedBuffer zn(n2 * d), znT(d * n2), norm(n2), S(n2 * n2), dzn(gz ? n2 * d : 0);
  PackedB packed;  // ẑᵀ (d × n2) for S, then ẑ (n2 × d) for dẑ
  std::vector<double> loss(static_cast<size_t>(n2));
  const float inv_tau = static_cast<float>(1.0 / tau), scale = g / static_cast<float>(n2);
  const int64_t row_blocks = (n2 + kRowBlock - 1) / kRowBlock, blocks = (n2 + isa.rows.lanes - 1) / isa.rows.lanes;
  constexpr int64_t kRows = 8;  // rows per task of the row passes
#pragma omp parallel if (par)
  {
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n2; ++i) {
      const float* zi = z + i * d;
      float s = 0;
#pragma omp simd reduction(+ : s)
      for (int64_t e = 0; e < d; ++e) s += zi[e] * zi[e];
      norm[i] = std::max(std::sqrt(s), 1e-12f);
      const float inv = 1.0f / norm[i];
      for (int64_t e = 0; e < d; ++e) zn[i * d + e] = zi[e] * inv;
    }
#pragma omp for schedule(static)
    for (int64_t r = 0; r < n2; r += kRowBlock)
      isa.rows.transpose(zn.get() + r * d, d, znT.get() + r, n2, std::min(kRowBlock, n2 - r), d);
#pragma omp single
    packed = pack_b_once(bk, znT.get(), n2, false, d, n2);
    // S is symmetric: each block row of kRowBlock rows is computed up to the end of its diagonal block
    // (the largest first), and the rest copied from its mirror image: about half the multiplications of
    // the whole product.
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = row_blocks - 1; b >= 0; --b) {
      const int64_t r0 = b * kRowBlock, r1 = std::min(n2, r0 + kRowBlock);
      gemm_prepacked_b(bk, r1 - r0, r1, zn.get() + r0 * d, d, packed, inv_tau, 0.0f, S.get() + r0 * n2, n2);
    }
#pragma omp for schedule(dynamic, 4)
    for (int64_t b = 0; b < blocks; ++b) isa.rows.mirror(S.get(), n2, kRowBlock, b, b + 1);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < n2; r += kRows)
      isa.rows.rows(S.get(), n2, r, std::min(n2, r + kRows), scale, gz != nullptr, loss.data());
    if (gz) {
      // Block row b touches blocks (b, k ≥ b) and their mirrors (k, b): disjoint for different b.
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < blocks; ++b) isa.rows.symmetrize(S.get(), n2, b, b + 1);
#pragma omp single
      packed = pack_b_once(bk, zn.get(), d, false, n2, d);
      // dẑ = (dS + dSᵀ)·ẑ/τ by blocks of rows; then the projection through the normalization.
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < row_blocks; ++b) {
        const int64_t r0 = b * kRowBlock, r1 = std::min(n2, r0 + kRowBlock);
        gemm_prepacked_b(bk, r1 - r0, d, S.get() + r0 * n2, n2, packed, inv_tau, 0.0f, dzn.get() + r0 * d, d);
      }
#pragma omp for schedule(static)
      for (int64_t i = 0; i < n2; ++i) {
        const float* zi = zn.get() + i * d;
        const float* gi = dzn.get() + i * d;
        float dot = 0;
#pragma omp simd reduction(+ : dot)
        for (int64_t e = 0; e < d; ++e) dot += zi[e] * gi[e];
        const float inv = 1.0f / norm[i];
        for (int64_t e = 0; e < d; ++e) gz[i * d + e] = (gi[e] - zi[e] * dot) * inv;
      }
    }
  }
  double total = 0;  // row by row, in order
  for (int64_t i = 0; i < n2; ++i) total += loss[static_cast<size_t>(i)];
  return static_cast<float>(total / static_cast<double>(n2));
}

const Isa kAvx2{kGemmAvx2Blocking, kNtXentRowsAvx2};
const Isa kAvx512{kGemmAvx512Blocking, kNtXentRowsAvx512};

}  // namespace

float nt_xent_forward_avx2(const float* z, int64_t n2, int64_t d, double tau) {
  return fused(kAvx2, z, n2, d, tau, 1.0f, nullptr);
}
float nt_xent_forward_backward_avx2(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz) {
  return fused(kAvx2, z, n2, d, tau, g, gz);
}
float nt_xent_forward_avx512(const float* z, int64_t n2, int64_t d, double tau) {
  return fused(kAvx512, z, n2, d, tau, 1.0f, nullptr);
}
float nt_xent_forward_backward_avx512(const float* z, int64_t n2, int64_t d, double tau, float g, float* gz) {
  return fused(kAvx512, z, n2, d, tau, g, gz);
}

}  // namespace thorax::kernels::cpu
