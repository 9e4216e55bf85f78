// The instruction-set-specific half of the packed GEMM (kernels/cpu/gemm_packed.h): one cache block of C
// computed from packed panels by a register-blocked micro-kernel. Each gemm_block_<isa>.cpp is compiled
// with its own -m flags and includes nothing but this header and <immintrin.h>, so no inline library
// code compiled for AVX-512 can be merged by the linker into code that runs on any CPU.
//
// Packed layouts (both k-major, so the micro-kernel reads them strictly in order):
//   Ap: the block's mc rows in panels of MR rows; panel p holds op(A)(p·MR + r, k) at Ap[p·MR·kc + k·MR + r],
//       the last panel zero-padded to MR rows.
//   Bp: the block's nc columns in panels of NR columns; panel q holds op(B)(k, q·NR + c) at
//       Bp[q·NR·kc + k·NR + c], the last panel zero-padded to NR columns; Bp is 64-byte aligned.
//   or, when lda ≠ 0, A is not packed: op(A) = A row-major with row stride lda, read in place (worth it
//   when few columns of B share each A panel, so packing A would cost more than it saves).
// Result: C (mc × nc, row stride ldc) = alpha·(A·Bp) + beta·C; beta == 0 assigns (C may hold NaN).
// Each C element sums its kc products in k order, packed or not: deterministic.
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

using GemmBlockFn = void (*)(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp,
                             float alpha, float beta, float* C, int64_t ldc);

// AVX2 + FMA: 6×16 register tile (12 ymm accumulators of the 16 registers).
constexpr int64_t kAvx2MR = 6, kAvx2NR = 16;
void gemm_block_avx2(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp, float alpha,
                     float beta, float* C, int64_t ldc);

// AVX-512 (F, VL, BW, DQ): 8×48 register tile (24 zmm accumulators of the 32 registers).
constexpr int64_t kAvx512MR = 8, kAvx512NR = 48;
void gemm_block_avx512(int64_t mc, int64_t nc, int64_t kc, const float* A, int64_t lda, const float* Bp, float alpha,
                       float beta, float* C, int64_t ldc);

}  // namespace thorax::kernels::cpu
