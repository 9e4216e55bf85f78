// SGEMM, two versions: naive (v1) and shared-memory tiled (v2). Later versions (register blocking,
// vectorized loads) go in this file with the next numbers.
//
// Layout: C[M x N] = alpha * A[M x K] * B[K x N] + beta * C, row-major, leading dimensions lda, ldb, ldc.
// FLOPs: 2 M N K (+ 3 M N for alpha/beta). Accumulation is in float32, in k order: deterministic.
// Limits: any M, N, K >= 0 (edges are guarded, K = 0 gives beta * C); grid.y and grid.z <= 65535 blocks, so
// M <= 65535 * block rows; indices are 64-bit.
// - v1 reads A and B straight from global memory: each element of A is read N times and each of B M times;
//   threadIdx.x runs along N so a warp reads B and writes C coalesced, and reads one A value (broadcast).
// - v2 stages tile x tile blocks of A and B in shared memory (zero-padded at the edges), so each global
//   element is read M/tile or N/tile times instead; two __syncthreads per K step: after the loads (tiles
//   complete) and after the products (nobody overwrites a tile another thread is still reading).
#include <stdexcept>
#include <string>

#include "kernels/cuda/gemm.h"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

__global__ void sgemm_naive_kernel(int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                                   int ldb, float beta, float* C, int ldc) {
  int col = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  int row = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
  if (row >= M || col >= N) return;
  float acc = 0.0f;
  for (int k = 0; k < K; ++k)
    acc += A[static_cast<std::int64_t>(row) * lda + k] * B[static_cast<std::int64_t>(k) * ldb + col];
  float* c = C + static_cast<std::int64_t>(row) * ldc + col;
  *c = alpha * acc + (beta == 0.0f ? 0.0f : beta * *c);
}

template <int TILE>
__global__ void sgemm_tiled_kernel(int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                                   int ldb, float beta, float* C, int ldc) {
  __shared__ float As[TILE][TILE];
  __shared__ float Bs[TILE][TILE];
  int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  int row = static_cast<int>(blockIdx.y) * TILE + ty;
  int col = static_cast<int>(blockIdx.x) * TILE + tx;
  float acc = 0.0f;
  for (int k0 = 0; k0 < K; k0 += TILE) {
    As[ty][tx] = row < M && k0 + tx < K ? A[static_cast<std::int64_t>(row) * lda + k0 + tx] : 0.0f;
    Bs[ty][tx] = k0 + ty < K && col < N ? B[static_cast<std::int64_t>(k0 + ty) * ldb + col] : 0.0f;
    __syncthreads();
    for (int k = 0; k < TILE; ++k) acc += As[ty][k] * Bs[k][tx];
    __syncthreads();
  }
  if (row < M && col < N) {
    float* c = C + static_cast<std::int64_t>(row) * ldc + col;
    *c = alpha * acc + (beta == 0.0f ? 0.0f : beta * *c);
  }
}

namespace {

unsigned cover(int n, unsigned per_block) { return static_cast<unsigned>((n + per_block - 1) / per_block) + (n == 0); }

}  // namespace

void sgemm_naive(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
                 float* C, int ldc, unsigned block_x, unsigned block_y) {
  Dim3 grid(cover(N, block_x), cover(M, block_y));
  launch(THORAX_KERNEL(sgemm_naive_kernel), grid, Dim3(block_x, block_y), 0, M, N, K, alpha, A, lda, B, ldb, beta,
         C, ldc);
}

void sgemm_tiled(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
                 float* C, int ldc, int tile) {
  auto run = [&](auto kernel, unsigned t) {
    launch(kernel, Dim3(cover(N, t), cover(M, t)), Dim3(t, t), 0, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  };
  switch (tile) {
    case 8: run(THORAX_KERNEL(sgemm_tiled_kernel<8>), 8); break;
    case 16: run(THORAX_KERNEL(sgemm_tiled_kernel<16>), 16); break;
    case 32: run(THORAX_KERNEL(sgemm_tiled_kernel<32>), 32); break;
    default: throw std::invalid_argument("sgemm_tiled: tile must be 8, 16 or 32 (got " + std::to_string(tile) + ")");
  }
}

}  // namespace thorax::cuda
