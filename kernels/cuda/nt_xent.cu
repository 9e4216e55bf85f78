// NT-Xent, fused forward and backward: three row kernels around the GEMMs of gemm.cu. One version.
//
// Steps: (1) nt_xent_normalize_kernel writes ẑ and the norms (one warp per row); (2) S = ẑ·ẑᵀ/τ, one GEMM
// (2N x 2N x d) on a transposed copy of ẑ; (3) nt_xent_rows_kernel, the fused part: per row, the masked
// log-sum-exp over k ≠ i, the row's loss term, and — in place of S, when a gradient is wanted —
// dS_ik = g/(2N)·(softmax_{k≠i}(S_i)_k − [k = pos(i)]), so S is read once and never stored twice;
// (4) the loss is the sum of the row terms (reduce_sum_f32_shared, one block: deterministic);
// (5) dẑ = (dS + dSᵀ)·ẑ/τ, two GEMMs into one output (the second with beta = 1); (6)
// nt_xent_normalize_backward_kernel projects dẑ through the normalization: dz = (dẑ − ẑ(ẑ·dẑ)) / ‖z‖.
// FLOPs: forward 2·(2N)²·d, with backward 6·(2N)²·d (three GEMMs). Memory: S is (2N)² floats.
// Deterministic (no atomics; fixed-order reductions).
#include <cmath>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/nt_xent.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/transpose.h"

namespace thorax::cuda {

__global__ void nt_xent_normalize_kernel(const float* z, float* zn, float* norm, std::int64_t n2, std::int64_t d) {
  const unsigned lane = threadIdx.x % warpSize;
  THORAX_FOR_EACH_WARP_ROW(i, n2) {
    float ss = 0.0f;
    for (std::int64_t e = lane; e < d; e += warpSize) ss += z[i * d + e] * z[i * d + e];
    const float nrm = fmaxf(sqrtf(detail::warp_all_sum(ss)), 1e-12f);
    for (std::int64_t e = lane; e < d; e += warpSize) zn[i * d + e] = z[i * d + e] / nrm;
    if (lane == 0) norm[i] = nrm;
  }
}

// Row i of S: row_loss[i] = (lse_{k≠i} S_ik − S_{i,pos}) / n2; with `grad`, S_i is overwritten by dS_i.
__global__ void nt_xent_rows_kernel(float* S, float* row_loss, std::int64_t n2, float g, int grad) {
  const unsigned lane = threadIdx.x % warpSize;
  const std::int64_t half = n2 / 2;
  THORAX_FOR_EACH_WARP_ROW(i, n2) {
    float* row = S + i * n2;
    const std::int64_t pos = (i + half) % n2;
    float m = -INFINITY;
    for (std::int64_t k = lane; k < n2; k += warpSize)
      if (k != i) m = fmaxf(m, row[k]);
    m = detail::warp_all_max(m);
    float s = 0.0f;
    for (std::int64_t k = lane; k < n2; k += warpSize)
      if (k != i) s += expf(row[k] - m);
    s = detail::warp_all_sum(s);
    const float lse = m + logf(s);
    if (lane == 0) row_loss[i] = (lse - row[pos]) / static_cast<float>(n2);  // read before any lane writes dS
    __syncwarp();
    if (grad) {
      const float scale = g / static_cast<float>(n2);
      for (std::int64_t k = lane; k < n2; k += warpSize)
        row[k] = k == i ? 0.0f : scale * (expf(row[k] - lse) - (k == pos ? 1.0f : 0.0f));
    }
  }
}

__global__ void nt_xent_normalize_backward_kernel(const float* zn, const float* norm, const float* dzn, float* gz,
                                                  std::int64_t n2, std::int64_t d) {
  const unsigned lane = threadIdx.x % warpSize;
  THORAX_FOR_EACH_WARP_ROW(i, n2) {
    float dot = 0.0f;
    for (std::int64_t e = lane; e < d; e += warpSize) dot += zn[i * d + e] * dzn[i * d + e];
    dot = detail::warp_all_sum(dot);
    for (std::int64_t e = lane; e < d; e += warpSize) gz[i * d + e] = (dzn[i * d + e] - zn[i * d + e] * dot) / norm[i];
  }
}

std::int64_t nt_xent_workspace(std::int64_t n2, std::int64_t d) {
  // zn, zn transposed, dzn (n2·d each); S and its transpose (n2² each); norms and row losses (n2 each).
  return 3 * n2 * d + 2 * n2 * n2 + 2 * n2;
}

void nt_xent_forward_backward(const float* z, std::int64_t n2, std::int64_t d, float tau, float g, float* loss,
                              float* gz, float* workspace, NtXentLaunch cfg) {
  float* zn = workspace;
  float* zn_t = zn + n2 * d;
  float* dzn = zn_t + n2 * d;
  float* S = dzn + n2 * d;
  float* dS_t = S + n2 * n2;
  float* norm = dS_t + n2 * n2;
  float* row_loss = norm + n2;
  const int n = static_cast<int>(n2), dd = static_cast<int>(d), tile = cfg.gemm_tile;
  const Dim3 rows_grid(detail::warp_rows_grid(n2, {cfg.block, 0}, "nt_xent_forward_backward"));
  launch(THORAX_KERNEL(nt_xent_normalize_kernel), rows_grid, Dim3(cfg.block), 0, z, zn, norm, n2, d);
  transpose_tiled(zn, n2, d, d, zn_t, n2, tile);
  sgemm_tiled(n, n, dd, 1.0f / tau, zn, dd, zn_t, n, 0.0f, S, n, tile);
  launch(THORAX_KERNEL(nt_xent_rows_kernel), rows_grid, Dim3(cfg.block), 0, S, row_loss, n2, g, gz ? 1 : 0);
  reduce_sum_f32_shared(row_loss, n2, loss, nullptr, {cfg.block, 1});  // one block: no workspace used
  if (!gz) return;
  transpose_tiled(S, n2, n2, n2, dS_t, n2, tile);
  sgemm_tiled(n, dd, n, 1.0f / tau, S, n, zn, dd, 0.0f, dzn, dd, tile);
  sgemm_tiled(n, dd, n, 1.0f / tau, dS_t, n, zn, dd, 1.0f, dzn, dd, tile);
  launch(THORAX_KERNEL(nt_xent_normalize_backward_kernel), rows_grid, Dim3(cfg.block), 0,
         static_cast<const float*>(zn), static_cast<const float*>(norm), static_cast<const float*>(dzn), gz, n2, d);
}

}  // namespace thorax::cuda
