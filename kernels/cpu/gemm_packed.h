// CPU GEMM, versions "packed_avx2" and "packed_avx512": the Goto/BLIS scheme. op(B) is copied block by
// block (KC × NC) into column panels and op(A) (MC × KC) into row panels, so the micro-kernel
// (kernels/cpu/gemm_block.h) reads both contiguously whatever the transposes and strides, and the blocks
// are sized so the A block stays in L2 and each B panel in L1 while it is reused:
//   for jc in N by NC: for pc in K by KC: pack B → for ic in M by MC: pack A → block kernel.
// When every row fits one A block (M ≤ MC, as in the conv GEMMs) A is packed once per K block and B
// is cut into blocks that stay in L2: for pc: pack A → for jc: pack B → block kernel.
// Threads: C is cut along whole register tiles into up to 4 rectangles per thread, handed out
// dynamically; each task packs and computes its own rectangle. Nested inside another parallel region
// (conv2d's batch loop) it runs on the calling thread.
// Deterministic: K is cut at fixed KC boundaries, independent of the thread count, so each C element is
// summed in the same order on any number of threads. FLOPs: 2·M·N·K.
#pragma once
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/gemm_block.h"
#include "kernels/gemm.h"

namespace thorax::kernels::cpu {

// A micro-kernel, the cache blocks chosen for it (mc a multiple of mr, nc of nr) and the packing
// routines for its panel widths: op(A) rows [i0, i0+mc) × columns [p0, p0+kc) into Ap, op(B) rows
// [p0, p0+kc) × columns [j0, j0+nc) into Bp (layouts in gemm_block.h).
struct GemmBlocking {
  int64_t mr, nr, mc, kc, nc;
  GemmBlockFn block;
  void (*pack_a)(float* Ap, const float* A, int64_t lda, bool ta, int64_t i0, int64_t p0, int64_t mc, int64_t kc);
  void (*pack_b)(float* Bp, const float* B, int64_t ldb, bool tb, int64_t p0, int64_t j0, int64_t kc, int64_t nc);
};
extern const GemmBlocking kGemmAvx2Blocking;
extern const GemmBlocking kGemmAvx512Blocking;

// K cut into equal blocks of at most bk.kc, rounded up to 8 (576 = 2 × 288, not 512 + 64: a short last
// block would pay the C tile's load and store for little work). Depends on K only, so the summation
// order is fixed.
int64_t gemm_k_block(const GemmBlocking& bk, int64_t K);
// Columns of a kc-deep B block small enough to stay in a core's L2 from packing to use (a multiple of
// bk.nr, at most bk.nc): for products where each B element meets few rows of A, packing B is a large
// share of the work and must not be repeated from memory.
int64_t gemm_l2_columns(const GemmBlocking& bk, int64_t kc);

// The driver shared by every micro-kernel; the gemm op's signature plus the blocking.
void gemm_packed(const GemmBlocking& bk, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                 const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// op(B) (K × N) packed once, every K block, for many products that share it (a recurrence's weights):
// block pc holds panels of bk.nr columns at data + pc·npad, as gemm_block.h lays them out.
struct PackedB {
  AlignedBuffer data;
  int64_t K = 0, N = 0, kc = 0, npad = 0;
};
PackedB pack_b_once(const GemmBlocking& bk, const float* B, int64_t ldb, bool tb, int64_t K, int64_t N);
// C (M × N) = alpha·A·op(B)[:, 0:N] + beta·C with A read in place (row stride lda) and op(B) packed by
// pack_b_once (N ≤ its columns): nothing is packed per call. Threads (outside a parallel region, for
// products of at least 2^23 multiply-adds) take whole panels of columns; each C element is summed in
// K-block order.
void gemm_prepacked_b(const GemmBlocking& bk, int64_t M, int64_t N, const float* A, int64_t lda, const PackedB& B,
                      float alpha, float beta, float* C, int64_t ldc);

// The registered versions. Each may run only on a CPU with its instruction set (cpu_features.h).
void gemm_packed_avx2(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                      const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_packed_avx512(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                        const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace thorax::kernels::cpu
