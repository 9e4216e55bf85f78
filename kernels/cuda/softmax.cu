// Row-wise softmax, three forward versions and one backward.
//
// Layout: `rows` rows of `cols` contiguous floats. FLOPs: ~4 per element plus one exp (forward), ~4
// (backward); bytes: 8 per element at best, so memory bound — the versions differ in how they touch memory:
// - v1 gives a row to each thread. Simple, but neighbouring threads read addresses `cols` apart (no
//   coalescing), and a row is read three times (max, sum, write) by one thread: fine for many short rows,
//   poor for long ones.
// - v2 gives a row to a warp: lane l reads columns l, l + 32, ... (coalesced), and the warp combines its
//   lanes' max and sum with xor shuffles, which leave the result in every lane (no shared memory, no
//   __syncthreads). Still three passes over the row.
// - v3 (online softmax, Milakov & Gimelshein 2018) finds the max and the sum in one pass: each lane keeps a
//   running max m and s = sum exp(x - m), rescaling s when m grows; two (m, s) pairs merge the same way
//   across lanes. Two passes over the row instead of three.
// The backward needs sum(gy * y) per row: one warp per row, as v2.
// Limits: rows, cols >= 1 (rows = 0 launches nothing useful but is valid). Deterministic: every row is
// reduced in a fixed order for a given launch shape (the warp versions' order depends on nothing else).
#include <cmath>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/softmax.h"

namespace thorax::cuda {

using detail::warp_all_max;
using detail::warp_all_sum;

__global__ void softmax_forward_naive_kernel(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  for (std::int64_t r = detail::first_index(); r < rows; r += detail::grid_stride()) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = xr[0];
    for (std::int64_t k = 1; k < cols; ++k) m = fmaxf(m, xr[k]);
    float s = 0.0f;
    for (std::int64_t k = 0; k < cols; ++k) s += expf(xr[k] - m);
    float inv = 1.0f / s;
    for (std::int64_t k = 0; k < cols; ++k) yr[k] = expf(xr[k] - m) * inv;
  }
}

__global__ void softmax_forward_warp_kernel(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  const unsigned lane = threadIdx.x % warpSize;
  THORAX_FOR_EACH_WARP_ROW(r, rows) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = -INFINITY;
    for (std::int64_t k = lane; k < cols; k += warpSize) m = fmaxf(m, xr[k]);
    m = warp_all_max(m);
    float s = 0.0f;
    for (std::int64_t k = lane; k < cols; k += warpSize) s += expf(xr[k] - m);
    float inv = 1.0f / warp_all_sum(s);
    for (std::int64_t k = lane; k < cols; k += warpSize) yr[k] = expf(xr[k] - m) * inv;
  }
}

namespace {

// (m, s) with s = sum of exp(x - m) over the values seen, merged with (m2, s2). A lane that saw nothing
// has m = -inf and s = 0; the guards keep exp(-inf - (-inf)) = NaN out.
__device__ __forceinline__ void online_merge(float& m, float& s, float m2, float s2) {
  float mn = fmaxf(m, m2);
  float a = m == -INFINITY ? 0.0f : s * expf(m - mn);
  float b = m2 == -INFINITY ? 0.0f : s2 * expf(m2 - mn);
  m = mn;
  s = a + b;
}

}  // namespace

__global__ void softmax_forward_online_kernel(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  const unsigned lane = threadIdx.x % warpSize;
  THORAX_FOR_EACH_WARP_ROW(r, rows) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = -INFINITY, s = 0.0f;
    for (std::int64_t k = lane; k < cols; k += warpSize) {
      float v = xr[k];
      if (v > m) {
        s = s * expf(m - v) + 1.0f;  // the old terms shrink by exp(old max - new max); exp(-inf) = 0
        m = v;
      } else {
        s += expf(v - m);
      }
    }
    for (int offset = warpSize / 2; offset > 0; offset >>= 1) {
      float m2 = __shfl_xor_sync(detail::kFullMask, m, offset);
      float s2 = __shfl_xor_sync(detail::kFullMask, s, offset);
      online_merge(m, s, m2, s2);
    }
    float inv = 1.0f / s;
    for (std::int64_t k = lane; k < cols; k += warpSize) yr[k] = expf(xr[k] - m) * inv;
  }
}

__global__ void softmax_backward_warp_kernel(const float* y, const float* gy, float* gx, std::int64_t rows,
                                             std::int64_t cols) {
  const unsigned lane = threadIdx.x % warpSize;
  THORAX_FOR_EACH_WARP_ROW(r, rows) {
    const float* yr = y + r * cols;
    const float* gr = gy + r * cols;
    float dot = 0.0f;
    for (std::int64_t k = lane; k < cols; k += warpSize) dot += gr[k] * yr[k];
    dot = warp_all_sum(dot);
    float* out = gx + r * cols;
    for (std::int64_t k = lane; k < cols; k += warpSize) out[k] = yr[k] * (gr[k] - dot);
  }
}

using detail::warp_rows_grid;

void softmax_forward_naive(const float* x, float* y, std::int64_t rows, std::int64_t cols, LaunchShape shape) {
  launch(THORAX_KERNEL(softmax_forward_naive_kernel), Dim3(detail::grid_for(rows, shape)), Dim3(shape.block), 0, x,
         y, rows, cols);
}

void softmax_forward_warp(const float* x, float* y, std::int64_t rows, std::int64_t cols, LaunchShape shape) {
  launch(THORAX_KERNEL(softmax_forward_warp_kernel), Dim3(warp_rows_grid(rows, shape, "softmax_forward_warp")),
         Dim3(shape.block), 0, x, y, rows, cols);
}

void softmax_forward_online(const float* x, float* y, std::int64_t rows, std::int64_t cols, LaunchShape shape) {
  launch(THORAX_KERNEL(softmax_forward_online_kernel), Dim3(warp_rows_grid(rows, shape, "softmax_forward_online")),
         Dim3(shape.block), 0, x, y, rows, cols);
}

void softmax_backward(const float* y, const float* gy, float* gx, std::int64_t rows, std::int64_t cols,
                      LaunchShape shape) {
  launch(THORAX_KERNEL(softmax_backward_warp_kernel), Dim3(warp_rows_grid(rows, shape, "softmax_backward")),
         Dim3(shape.block), 0, y, gy, gx, rows, cols);
}

}  // namespace thorax::cuda
