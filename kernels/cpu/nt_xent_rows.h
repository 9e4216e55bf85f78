// The vectorized passes over NT-Xent's similarity matrix (kernels/cpu/nt_xent_fused.h). Each
// nt_xent_rows_<isa>.cpp is compiled with its own -m flags and includes only this header and
// <immintrin.h> (the loops, written once, are in nt_xent_rows_simd.h).
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

struct NtXentRowKernels {
  // Rows [r0, r1) of S (n2 × n2): with the diagonal excluded and pos(i) = (i + n2/2) mod n2, loss[i] =
  // log Σ_k exp(S_ik) − S_i,pos(i) (shifted by the row maximum); when `grad`, row i then becomes
  // dS_i = scale·(softmax_k≠i(S_i) − e_pos(i)), 0 on the diagonal.
  void (*rows)(float* S, int64_t n2, int64_t r0, int64_t r1, float scale, bool grad, double* loss);
  // S = S + Sᵀ for the blocks of rows [b0, b1) of L × L blocks against the blocks at or right of the
  // diagonal (and their mirrors), so disjoint row ranges may run at once.
  void (*symmetrize)(float* S, int64_t n2, int64_t b0, int64_t b1);
  // S[i][k] = S[k][i] wherever k ≥ (i / bh + 1)·bh (bh a multiple of the vector width): completes a
  // matrix of which only the block rows' lower parts (columns below the end of each bh-row block) were
  // computed. Block rows [b0, b1) of L × L blocks.
  void (*mirror)(float* S, int64_t n2, int64_t bh, int64_t b0, int64_t b1);
  // dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols.
  void (*transpose)(const float* src, int64_t lds, float* dst, int64_t ldd, int64_t rows, int64_t cols);
  int64_t lanes;
};

extern const NtXentRowKernels kNtXentRowsAvx2;
extern const NtXentRowKernels kNtXentRowsAvx512;

}  // namespace thorax::kernels::cpu
