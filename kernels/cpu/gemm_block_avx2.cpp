// The AVX2 + FMA micro-kernel of the packed GEMM, for CPUs without AVX-512. Compiled with -mavx2 -mfma
// (kernels/CMakeLists.txt); called only when the CPU has them (kernels/gemm.cpp).
#include <immintrin.h>

#include "kernels/cpu/gemm_block.h"

namespace thorax::kernels::cpu {

namespace {

constexpr int MR = static_cast<int>(kAvx2MR), NR = static_cast<int>(kAvx2NR);

// C tile (MR × NR) = alpha·(a·b) + beta·C with the 12 sums in registers for the whole k loop; per k
// step: two aligned loads of b, MR broadcasts of a, 2·MR FMAs. a is a packed panel, or (Direct) MR rows
// of A read in place with row stride lda, rows past mr repeating the last valid one. Full tiles are
// stored in place; edges go through edge_tile (AVX2 has no cheap masked store).
template <bool Direct>
void full_tile(int64_t kc, const float* __restrict a, int64_t lda, const float* __restrict b, float* __restrict c,
               int64_t ldc, float alpha, float beta, int mr = MR) {
  __m256 acc0[MR], acc1[MR];
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) acc0[r] = acc1[r] = _mm256_setzero_ps();
  const float* rows[MR];
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) rows[r] = a + (Direct ? (r < mr ? r : mr - 1) * lda : 0);
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      const __m256 ar = _mm256_broadcast_ss(Direct ? rows[r] + k : a + r);
      acc0[r] = _mm256_fmadd_ps(ar, b0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(ar, b1, acc1[r]);
    }
    if (!Direct) a += MR;
    b += NR;
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) {
    float* cr = c + r * ldc;
    __m256 x0 = _mm256_mul_ps(va, acc0[r]), x1 = _mm256_mul_ps(va, acc1[r]);
    if (beta != 0.0f) {
      x0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), x0);
      x1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), x1);
    }
    _mm256_storeu_ps(cr, x0);
    _mm256_storeu_ps(cr + 8, x1);
  }
}

// A partial tile (mr < MR or nr < NR): the full tile into a local buffer with beta = 0, then only its
// valid part merged into C.
template <bool Direct>
void edge_tile(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc, float alpha, float beta,
               int mr, int nr) {
  alignas(32) float tile[MR * NR];
  full_tile<Direct>(kc, a, lda, b, tile, NR, alpha, 0.0f, mr);
  for (int r = 0; r < mr; ++r)
    for (int j = 0; j < nr; ++j) {
      float* cij = c + r * ldc + j;
      *cij = beta == 0.0f ? tile[r * NR + j] : tile[r * NR + j] + beta * *cij;
    }
}

template <bool Direct>
void block(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp, float alpha, float beta,
           float* C, int64_t ldc) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int nr = static_cast<int>(nc - jr < NR ? nc - jr : NR);
    for (int64_t ir = 0; ir < mc; ir += MR) {
      const int mr = static_cast<int>(mc - ir < MR ? mc - ir : MR);
      const float* a = A + ir * (Direct ? lda : kc);
      float* c = C + ir * ldc + jr;
      if (mr == MR && nr == NR) full_tile<Direct>(kc, a, lda, Bp + jr * kc, c, ldc, alpha, beta);
      else edge_tile<Direct>(kc, a, lda, Bp + jr * kc, c, ldc, alpha, beta, mr, nr);
    }
  }
}

}  // namespace

void gemm_block_avx2(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp, float alpha,
                     float beta, float* C, int64_t ldc) {
  if (lda) block<true>(mc, nc, kc, A, lda, Bp, alpha, beta, C, ldc);
  else block<false>(mc, nc, kc, A, lda, Bp, alpha, beta, C, ldc);
}

}  // namespace thorax::kernels::cpu
