// SGEMM in CUDA (gemm.cu). Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

namespace thorax::cuda {

// C = alpha * A * B + beta * C with A M x K, B K x N, C M x N, all row-major with leading dimensions
// lda >= K, ldb >= N, ldc >= N. beta == 0 ignores C's old values (NaN included), as kernels/reference does.

// v1, kernel sgemm_naive_kernel: one thread per element of C, blocks of block_x x block_y threads.
void sgemm_naive(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
                 float* C, int ldc, unsigned block_x = 16, unsigned block_y = 16);
// v2, kernel sgemm_tiled_kernel<tile>: tile x tile blocks staged through shared memory; tile is 8, 16 or 32.
void sgemm_tiled(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
                 float* C, int ldc, int tile = 16);

}  // namespace thorax::cuda
