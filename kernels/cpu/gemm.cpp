#include "kernels/cpu/gemm.h"

#include <vector>

namespace thorax::kernels::cpu {

void gemm_rows_omp(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                   const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  std::vector<float> packed;
  if (tb) {  // make op(B) a dense K×N panel so the inner loop reads it contiguously
    packed.resize(static_cast<size_t>(K * N));
    for (int64_t j = 0; j < N; ++j)
      for (int64_t k = 0; k < K; ++k) packed[static_cast<size_t>(k * N + j)] = B[j * ldb + k];
    B = packed.data();
    ldb = N;
  }
  const bool par = M * N * K > (1 << 16);
#pragma omp parallel for schedule(static) if (par)
  for (int64_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < N; ++j) c[j] = 0.0f;
    } else if (beta != 1.0f) {
      for (int64_t j = 0; j < N; ++j) c[j] *= beta;
    }
    for (int64_t k = 0; k < K; ++k) {
      const float a = alpha * (ta ? A[k * lda + i] : A[i * lda + k]);
      const float* b = B + k * ldb;
#pragma omp simd
      for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
    }
  }
}

}  // namespace thorax::kernels::cpu
