// Reference GEMM: three loops, accumulated in double.
#pragma once
#include "kernels/gemm.h"

namespace thorax::kernels::ref {

template <class T>
void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k) {
        double a = ta ? A[k * lda + i] : A[i * lda + k];
        double b = tb ? B[j * ldb + k] : B[k * ldb + j];
        acc += a * b;
      }
      T prev = beta == T(0) ? T(0) : beta * C[i * ldc + j];  // beta == 0 ignores NaN in C
      C[i * ldc + j] = static_cast<T>(alpha * acc) + prev;
    }
}

}  // namespace thorax::kernels::ref
