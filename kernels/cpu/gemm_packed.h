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

// The driver shared by every micro-kernel; the gemm op's signature plus the blocking.
void gemm_packed(const GemmBlocking& bk, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                 const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// The registered versions. Each may run only on a CPU with its instruction set (cpu_features.h).
void gemm_packed_avx2(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                      const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_packed_avx512(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                        const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace thorax::kernels::cpu
