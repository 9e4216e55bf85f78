// SGEMM, three versions: naive (v1), shared-memory tiled (v2), register-blocked with vectorized loads (v3).
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
// - v3 makes each thread compute a TM x TN block of C instead of one element: per k it reads TM values of A
//   and TN of B from shared memory and does TM·TN multiply-adds, so shared-memory traffic per FLOP falls by
//   a factor ~TM·TN/(TM+TN) (v2 does one FMA per two shared loads). A block covers BM x BN of C with
//   (BM/TM)·(BN/TN) threads and steps through K by BK. Tiles are staged with 16-byte float4 loads when the
//   rows allow it (lda and ldb multiples of 4, A and B 16-byte aligned: checked on the host), with scalar,
//   zero-filled loads at the matrix edges. A is stored transposed in shared memory (As[k][m]) so that a
//   thread's TM values for one k are contiguous.
#include <cstdint>
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

// v3. BK must divide by 4 (float4 loads along k for A, along n for B); BM % TM == 0, BN % TN == 0.
template <int BM, int BN, int BK, int TM, int TN>
__global__ void sgemm_register_blocked_kernel(int M, int N, int K, float alpha, const float* A, int lda,
                                              const float* B, int ldb, float beta, float* C, int ldc,
                                              int vector_loads) {
  constexpr int kThreads = (BM / TM) * (BN / TN);
  __shared__ float As[BK][BM];  // transposed: As[k][m] = A[m][k]
  __shared__ float Bs[BK][BN];
  const int tid = static_cast<int>(threadIdx.x);
  const int tm = tid / (BN / TN), tn = tid % (BN / TN);  // this thread's TM x TN block within the tile
  const int bm = static_cast<int>(blockIdx.y) * BM, bn = static_cast<int>(blockIdx.x) * BN;
  float acc[TM][TN] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
    // Stage A[bm.., k0..] (BM x BK), four consecutive k at a time.
    for (int q = tid; q < BM * BK / 4; q += kThreads) {
      const int r = q / (BK / 4), kq = q % (BK / 4) * 4, row = bm + r, k = k0 + kq;
      const float* src = A + static_cast<std::int64_t>(row) * lda + k;
      float4 v;
      if (vector_loads && row < M && k + 3 < K) {
        v = *reinterpret_cast<const float4*>(src);
      } else {
        v.x = row < M && k < K ? src[0] : 0.0f;
        v.y = row < M && k + 1 < K ? src[1] : 0.0f;
        v.z = row < M && k + 2 < K ? src[2] : 0.0f;
        v.w = row < M && k + 3 < K ? src[3] : 0.0f;
      }
      As[kq][r] = v.x;
      As[kq + 1][r] = v.y;
      As[kq + 2][r] = v.z;
      As[kq + 3][r] = v.w;
    }
    // Stage B[k0.., bn..] (BK x BN), four consecutive n at a time.
    for (int q = tid; q < BK * BN / 4; q += kThreads) {
      const int r = q / (BN / 4), cq = q % (BN / 4) * 4, k = k0 + r, col = bn + cq;
      const float* src = B + static_cast<std::int64_t>(k) * ldb + col;
      float4 v;
      if (vector_loads && k < K && col + 3 < N) {
        v = *reinterpret_cast<const float4*>(src);
      } else {
        v.x = k < K && col < N ? src[0] : 0.0f;
        v.y = k < K && col + 1 < N ? src[1] : 0.0f;
        v.z = k < K && col + 2 < N ? src[2] : 0.0f;
        v.w = k < K && col + 3 < N ? src[3] : 0.0f;
      }
      Bs[r][cq] = v.x;
      Bs[r][cq + 1] = v.y;
      Bs[r][cq + 2] = v.z;
      Bs[r][cq + 3] = v.w;
    }
    __syncthreads();  // tiles complete
    for (int k = 0; k < BK; ++k) {
      float a[TM], b[TN];  // registers: each shared value read once per k, used TN (or TM) times
      for (int i = 0; i < TM; ++i) a[i] = As[k][tm * TM + i];
      for (int j = 0; j < TN; ++j) b[j] = Bs[k][tn * TN + j];
      for (int i = 0; i < TM; ++i)
        for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();  // everyone done with the tiles before the next step overwrites them
  }
  for (int i = 0; i < TM; ++i)
    for (int j = 0; j < TN; ++j) {
      const int row = bm + tm * TM + i, col = bn + tn * TN + j;
      if (row >= M || col >= N) continue;
      float* c = C + static_cast<std::int64_t>(row) * ldc + col;
      *c = alpha * acc[i][j] + (beta == 0.0f ? 0.0f : beta * *c);
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

void sgemm_register_blocked(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
                            float beta, float* C, int ldc, int block_tile) {
  const int vector_loads = sgemm_vector_loads(A, lda, B, ldb) ? 1 : 0;
  auto run = [&](auto kernel, unsigned bm, unsigned bn, unsigned threads) {
    launch(kernel, Dim3(cover(N, bn), cover(M, bm)), Dim3(threads), 0, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc,
           vector_loads);
  };
  switch (block_tile) {
    case 32: run(THORAX_KERNEL(sgemm_register_blocked_kernel<32, 32, 8, 4, 4>), 32, 32, 64); break;
    case 64: run(THORAX_KERNEL(sgemm_register_blocked_kernel<64, 64, 8, 8, 4>), 64, 64, 128); break;
    default:
      throw std::invalid_argument("sgemm_register_blocked: block_tile must be 32 or 64 (got " +
                                  std::to_string(block_tile) + ")");
  }
}

bool sgemm_vector_loads(const float* A, int lda, const float* B, int ldb) {
  auto aligned = [](const float* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; };
  return lda % 4 == 0 && ldb % 4 == 0 && aligned(A) && aligned(B);
}

}  // namespace thorax::cuda
