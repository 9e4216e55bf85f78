// CPU GEMM, version "rows_omp": rows of C split across threads; each row accumulates alpha·a_ik·B[k,:]
// over k so B is streamed in order and the inner loop vectorizes. op(B) = B^T is packed once into a
// dense K×N buffer. Kept as the simple baseline (and the default on CPUs without AVX2): the packed,
// register-blocked versions are in kernels/cpu/gemm_packed.h.
#pragma once
#include "kernels/gemm.h"

namespace thorax::kernels::cpu {

void gemm_rows_omp(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                   const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace thorax::kernels::cpu
