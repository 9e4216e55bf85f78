// Helpers shared by the kernels of kernels/cuda/*.cu: warp and block reductions (device side) and the
// launch-shape checks (host side). Included by .cu files only; C++17, and valid both under nvcc and as
// host C++ with the emulator's shim.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cuda/elementwise.h"  // LaunchShape
#include "kernels/cuda/launch.h"

namespace thorax::cuda::detail {

constexpr unsigned kFullMask = 0xffffffffu;

// Butterfly (xor) reductions: every lane ends with the result, so no broadcast is needed afterwards.
// The warp must be whole (all 32 lanes live).
__device__ __forceinline__ float warp_all_sum(float v) {
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}
__device__ __forceinline__ float warp_all_max(float v) {
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

// Sum of v over the block, returned to every thread. blockDim.x % 32 == 0, 1-D blocks. Each warp reduces
// with shuffles, then every thread adds the per-warp sums in warp order, so the result is the same in
// every thread and deterministic. Safe to call several times in a row: the first barrier keeps a fast
// warp from overwriting `warp_sums` while a slow one still reads the previous call's values.
__device__ __forceinline__ float block_all_sum(float v) {
  __shared__ float warp_sums[32];
  v = warp_all_sum(v);
  __syncthreads();
  if (threadIdx.x % warpSize == 0) warp_sums[threadIdx.x / warpSize] = v;
  __syncthreads();
  float total = 0.0f;
  for (unsigned w = 0; w < blockDim.x / warpSize; ++w) total += warp_sums[w];
  return total;
}

// 64-bit min/max without relying on which integer overloads of min/max a toolkit declares.
__device__ __forceinline__ std::int64_t min64(std::int64_t a, std::int64_t b) { return a < b ? a : b; }
__device__ __forceinline__ std::int64_t max64(std::int64_t a, std::int64_t b) { return a < b ? b : a; }

// A grid-stride loop over [0, n): for (auto i = first_index(); i < n; i += grid_stride()).
__device__ __forceinline__ std::int64_t first_index() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ std::int64_t grid_stride() { return static_cast<std::int64_t>(gridDim.x) * blockDim.x; }

// The rows of warp-per-row kernels: warp w of block b starts at row b * warps_per_block + w and strides by
// the number of warps in the grid. The row is the same for all lanes of a warp, so every lane takes part
// in every shuffle.
#define THORAX_FOR_EACH_WARP_ROW(r, rows)                                                              \
  for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * (blockDim.x / warpSize) +              \
                        threadIdx.x / warpSize;                                                        \
       r < (rows); r += static_cast<std::int64_t>(gridDim.x) * (blockDim.x / warpSize))

// Host side. Blocks for a grid-stride launch over n items (the caller's grid when it set one).
inline unsigned grid_for(std::int64_t n, LaunchShape shape, unsigned max_blocks = 65535) {
  return shape.grid ? shape.grid : blocks_for(n, shape.block, max_blocks);
}

// Kernels built on full-mask shuffles need whole warps: a partial warp is undefined on a GPU.
inline void require_whole_warps(const char* what, unsigned block) {
  if (block == 0 || block % 32 != 0 || block > 1024)
    throw std::invalid_argument(std::string(what) + ": the block size must be a multiple of 32, at most 1024 (got " +
                                std::to_string(block) + ")");
}

// Blocks for a warp-per-row launch over `rows` rows (the caller's grid when it set one).
inline unsigned warp_rows_grid(std::int64_t rows, LaunchShape shape, const char* what) {
  require_whole_warps(what, shape.block);
  return shape.grid ? shape.grid : blocks_for(rows, shape.block / 32);
}

}  // namespace thorax::cuda::detail
