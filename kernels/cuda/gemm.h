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
// v3, kernel sgemm_register_blocked_kernel<BM, BN, BK, TM, TN>: each thread computes a TM x TN block of C
// from registers; block_tile 32 -> <32, 32, 8, 4, 4> (64 threads), 64 -> <64, 64, 8, 8, 4> (128 threads).
// Tiles are loaded with float4 when sgemm_vector_loads(A, lda, B, ldb), with scalar loads otherwise.
void sgemm_register_blocked(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
                            float beta, float* C, int ldc, int block_tile = 64);
bool sgemm_vector_loads(const float* A, int lda, const float* B, int ldb);

}  // namespace thorax::cuda
