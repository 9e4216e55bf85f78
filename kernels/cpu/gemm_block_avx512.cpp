// The AVX-512 micro-kernel of the packed GEMM. Compiled with -mavx512f -mavx512vl -mavx512bw -mavx512dq
// -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/gemm.cpp).
#include <immintrin.h>

#include "kernels/cpu/gemm_block.h"

namespace thorax::kernels::cpu {

namespace {

constexpr int MR = static_cast<int>(kAvx512MR), NR = static_cast<int>(kAvx512NR);

// C tile (mr × nr ≤ MR × 16·NV) = alpha·(a·b) + beta·C. The sums live in MR·NV registers for the
// whole k loop; per k step: NV aligned loads of b (a row of the NR-wide panel), MR broadcasts of a,
// MR·NV FMAs. a is a packed panel, or (Direct) MR rows of A read in place with row stride lda, rows
// past mr repeating the last valid one. Partial tiles (block edges) mask their columns and skip their
// missing rows at the store, so no edge copy is needed; a narrow last panel runs with fewer vectors
// (NV < NR/16) rather than multiplying its zero padding.
template <int NV, bool Direct>
void micro_tile(int64_t kc, const float* __restrict a, int64_t lda, const float* __restrict b, float* __restrict c,
                int64_t ldc, float alpha, float beta, int mr, int nr) {
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
  const float* rows[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) rows[r] = a + (Direct ? (r < mr ? r : mr - 1) * lda : 0);
  for (int64_t k = 0; k < kc; ++k) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m512 ar = _mm512_set1_ps(Direct ? rows[r][k] : a[r]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
    if (!Direct) a += MR;
    b += NR;
  }
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int left = nr - 16 * v;
    mask[v] = left >= 16 ? __mmask16(0xFFFF) : left <= 0 ? __mmask16(0) : __mmask16((1u << left) - 1);
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
    if (r >= mr) break;
    float* cr = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512 x = _mm512_mul_ps(va, acc[r][v]);
      if (beta != 0.0f) x = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[v], cr + 16 * v), x);
      _mm512_mask_storeu_ps(cr + 16 * v, mask[v], x);
    }
  }
}

template <bool Direct>
void block(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp, float alpha, float beta,
           float* C, int64_t ldc) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int nr = static_cast<int>(nc - jr < NR ? nc - jr : NR);
    const float* b = Bp + jr * kc;
    for (int64_t ir = 0; ir < mc; ir += MR) {
      const int mr = static_cast<int>(mc - ir < MR ? mc - ir : MR);
      const float* a = A + ir * (Direct ? lda : kc);
      float* c = C + ir * ldc + jr;
      if (nr > 32) micro_tile<3, Direct>(kc, a, lda, b, c, ldc, alpha, beta, mr, nr);
      else if (nr > 16) micro_tile<2, Direct>(kc, a, lda, b, c, ldc, alpha, beta, mr, nr);
      else micro_tile<1, Direct>(kc, a, lda, b, c, ldc, alpha, beta, mr, nr);
    }
  }
}

}  // namespace

void gemm_block_avx512(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp, float alpha,
                       float beta, float* C, int64_t ldc) {
  if (lda) block<true>(mc, nc, kc, A, lda, Bp, alpha, beta, C, ldc);
  else block<false>(mc, nc, kc, A, lda, Bp, alpha, beta, C, ldc);
}

}  // namespace thorax::kernels::cpu
