// Scaled dot-product attention with a fused softmax: forward, and a backward in two kernels. One version
// (a tiled flash-style version, which streams K and V through shared memory in blocks with an online
// softmax instead of holding a whole score row, would be v2).
//
// Layout: q (B, Lq, d), k (B, Lk, d), v (B, Lk, dv), o (B, Lq, dv), lse (B, Lq), dense.
// FLOPs: forward 2·B·Lq·Lk·(d + dv); backward about twice that (scores recomputed).
// Forward: one warp per query row i. Lanes take keys j = lane, lane + 32, ...: each computes the score
// s_ij = q_i·k_j·scale into the warp's row of shared memory and keeps a running max; the warp reduces max
// and Σ exp(s − max) with shuffles (the softmax never leaves the kernel: no Lq x Lk matrix in global
// memory); then lanes take output columns e and sum p_ij·v_je over the row. __syncwarp orders the row's
// writes before the other lanes' reads, and the reads before the next row overwrites it.
// Backward (flash-attention's formulas, P recomputed from lse): with D_i = Σ_e go_ie·o_ie,
// dS_ij = P_ij·(go_i·v_j − D_i)·scale, gq_i = Σ_j dS_ij k_j, gk_j = Σ_i dS_ij q_i, gv_j = Σ_i P_ij go_i.
// gq is a sum over keys (one warp per query row) and gk, gv sums over queries (one warp per key row): two
// kernels that each own their outputs, instead of one that scatters with atomicAdd. Deterministic.
// Limits: block/32 · Lk floats of shared memory (forward, backward-query), block/32 · 2·Lq (backward-key),
// within 48 KiB; causal needs Lk >= Lq.
#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/cuda/attention.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

namespace {

__device__ __forceinline__ bool visible(const AttentionShape& s, std::int64_t i, std::int64_t j) {
  return !s.causal || j <= i + (s.lk - s.lq);
}

__device__ __forceinline__ float dot(const float* a, const float* b, std::int64_t n) {
  float acc = 0.0f;
  for (std::int64_t e = 0; e < n; ++e) acc += a[e] * b[e];
  return acc;
}

}  // namespace

// Rows r = (b, i) of all batch entries, one per warp (THORAX_FOR_EACH_WARP_ROW).
__global__ void attention_forward_kernel(AttentionShape s, const float* q, const float* k, const float* v, float* o,
                                         float* lse) {
  THORAX_DYNAMIC_SHARED(float, smem);
  const unsigned lane = threadIdx.x % warpSize;
  float* p = smem + threadIdx.x / warpSize * s.lk;  // this warp's score row
  THORAX_FOR_EACH_WARP_ROW(r, s.batch * s.lq) {
    const std::int64_t b = r / s.lq, i = r % s.lq;
    const float* qi = q + r * s.d;
    float m = -INFINITY;
    for (std::int64_t j = lane; j < s.lk; j += warpSize) {
      float sc = visible(s, i, j) ? dot(qi, k + (b * s.lk + j) * s.d, s.d) * s.scale : -INFINITY;
      p[j] = sc;
      m = fmaxf(m, sc);
    }
    m = detail::warp_all_max(m);
    float z = 0.0f;
    for (std::int64_t j = lane; j < s.lk; j += warpSize) {
      float e = expf(p[j] - m);  // a masked key: exp(-inf) = 0
      p[j] = e;
      z += e;
    }
    z = detail::warp_all_sum(z);
    __syncwarp();  // every lane's p[j] written before any lane reads the whole row
    const float inv_z = 1.0f / z;
    for (std::int64_t e = lane; e < s.dv; e += warpSize) {
      float acc = 0.0f;
      for (std::int64_t j = 0; j < s.lk; ++j) acc += p[j] * v[(b * s.lk + j) * s.dv + e];
      o[r * s.dv + e] = acc * inv_z;
    }
    if (lane == 0) lse[r] = m + logf(z);
    __syncwarp();  // the row is read by all lanes before the next row overwrites it
  }
}

// Per query row: D_i = go_i·o_i (kept in `delta` for the key kernel), then gq_i = Σ_j dS_ij k_j.
__global__ void attention_backward_query_kernel(AttentionShape s, const float* q, const float* k, const float* v,
                                                const float* o, const float* lse, const float* go, float* gq,
                                                float* delta) {
  THORAX_DYNAMIC_SHARED(float, smem);
  const unsigned lane = threadIdx.x % warpSize;
  float* ds = smem + threadIdx.x / warpSize * s.lk;
  THORAX_FOR_EACH_WARP_ROW(r, s.batch * s.lq) {
    const std::int64_t b = r / s.lq, i = r % s.lq;
    const float* qi = q + r * s.d;
    const float* goi = go + r * s.dv;
    float D = 0.0f;
    for (std::int64_t e = lane; e < s.dv; e += warpSize) D += goi[e] * o[r * s.dv + e];
    D = detail::warp_all_sum(D);
    for (std::int64_t j = lane; j < s.lk; j += warpSize) {
      float g = 0.0f;
      if (visible(s, i, j)) {
        float pij = expf(dot(qi, k + (b * s.lk + j) * s.d, s.d) * s.scale - lse[r]);
        g = pij * (dot(goi, v + (b * s.lk + j) * s.dv, s.dv) - D) * s.scale;
      }
      ds[j] = g;
    }
    __syncwarp();
    for (std::int64_t e = lane; e < s.d; e += warpSize) {
      float acc = 0.0f;
      for (std::int64_t j = 0; j < s.lk; ++j) acc += ds[j] * k[(b * s.lk + j) * s.d + e];
      gq[r * s.d + e] = acc;
    }
    if (lane == 0) delta[r] = D;
    __syncwarp();
  }
}

// Per key row j: P_ij and dS_ij for every query i (from lse and D), then gk_j and gv_j.
__global__ void attention_backward_key_kernel(AttentionShape s, const float* q, const float* k, const float* v,
                                              const float* lse, const float* go, const float* delta, float* gk,
                                              float* gv) {
  THORAX_DYNAMIC_SHARED(float, smem);
  const unsigned lane = threadIdx.x % warpSize;
  float* pr = smem + threadIdx.x / warpSize * 2 * s.lq;  // P_ij over i
  float* ds = pr + s.lq;                                  // dS_ij over i
  THORAX_FOR_EACH_WARP_ROW(r, s.batch * s.lk) {
    const std::int64_t b = r / s.lk, j = r % s.lk;
    const float* kj = k + r * s.d;
    const float* vj = v + r * s.dv;
    for (std::int64_t i = lane; i < s.lq; i += warpSize) {
      float pij = 0.0f, g = 0.0f;
      if (visible(s, i, j)) {
        const std::int64_t qi = b * s.lq + i;
        pij = expf(dot(q + qi * s.d, kj, s.d) * s.scale - lse[qi]);
        g = pij * (dot(go + qi * s.dv, vj, s.dv) - delta[qi]) * s.scale;
      }
      pr[i] = pij;
      ds[i] = g;
    }
    __syncwarp();
    for (std::int64_t e = lane; e < s.d; e += warpSize) {
      float acc = 0.0f;
      for (std::int64_t i = 0; i < s.lq; ++i) acc += ds[i] * q[(b * s.lq + i) * s.d + e];
      gk[r * s.d + e] = acc;
    }
    for (std::int64_t e = lane; e < s.dv; e += warpSize) {
      float acc = 0.0f;
      for (std::int64_t i = 0; i < s.lq; ++i) acc += pr[i] * go[(b * s.lq + i) * s.dv + e];
      gv[r * s.dv + e] = acc;
    }
    __syncwarp();
  }
}

namespace {

void check_shape(const AttentionShape& s, const char* what) {
  if (s.causal && s.lk < s.lq)
    throw std::invalid_argument(std::string(what) + ": causal attention needs Lk >= Lq (got Lq " +
                                std::to_string(s.lq) + ", Lk " + std::to_string(s.lk) + ")");
}

}  // namespace

void attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v, float* o, float* lse,
                       unsigned block) {
  check_shape(s, "attention_forward");
  const std::size_t shared = block / 32 * static_cast<std::size_t>(s.lk) * sizeof(float);
  launch(THORAX_KERNEL(attention_forward_kernel), Dim3(detail::warp_rows_grid(s.batch * s.lq, {block, 0}, "attention_forward")),
         Dim3(block), shared, s, q, k, v, o, lse);
}

void attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* o,
                        const float* lse, const float* go, float* gq, float* gk, float* gv, float* workspace,
                        unsigned block) {
  check_shape(s, "attention_backward");
  const std::size_t per_warp = block / 32 * sizeof(float);
  launch(THORAX_KERNEL(attention_backward_query_kernel),
         Dim3(detail::warp_rows_grid(s.batch * s.lq, {block, 0}, "attention_backward")), Dim3(block),
         per_warp * static_cast<std::size_t>(s.lk), s, q, k, v, o, lse, go, gq, workspace);
  launch(THORAX_KERNEL(attention_backward_key_kernel),
         Dim3(detail::warp_rows_grid(s.batch * s.lk, {block, 0}, "attention_backward")), Dim3(block),
         per_warp * static_cast<std::size_t>(2 * s.lq), s, q, k, v, lse, go, static_cast<const float*>(workspace), gk,
         gv);
}

}  // namespace thorax::cuda
