// Sum reduction, three versions: shared-memory tree (v1), warp shuffles (v2), warp shuffles + atomics (v3).
//
// Layout: x is a contiguous float32 array of n elements; the result is one float.
// FLOPs: n - 1 additions; bytes: 4 n read, so memory bound. Every thread first sums a grid-stride slice of x
// in a register (so any n and any grid work), then the block combines its threads' sums:
// - v1 in shared memory, halving the active threads each step with a __syncthreads between steps (any block
//   size up to 1024: the first step folds the top part of a non-power-of-two block onto the bottom);
// - v2 inside each warp with __shfl_down_sync (no shared memory, no barrier), then the warp sums through 32
//   shared slots and one __syncthreads; needs block % 32 == 0 (a partial warp would leave lanes out of the
//   full-mask shuffle);
// - v3 like v2, but each warp adds its sum to the result with atomicAdd: one launch, no workspace.
// v1 and v2 write one partial per block and reduce the partials with a second, single-block launch of the
// same kernel: deterministic for a given launch shape. v3 is not deterministic. Sums are in float32.
#include <stdexcept>
#include <string>

#include "kernels/cuda/launch.h"
#include "kernels/cuda/reduce.h"

namespace thorax::cuda {

namespace {

__device__ __forceinline__ unsigned next_pow2(unsigned v) {
  unsigned p = 1;
  while (p < v) p <<= 1;
  return p;
}

// This thread's sum of x[i] over its grid-stride slice.
__device__ __forceinline__ float thread_slice_sum(const float* x, std::int64_t n) {
  float acc = 0.0f;
  std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    acc += x[i];
  return acc;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;  // complete in lane 0
}

}  // namespace

// partial[blockIdx.x] = sum of this block's slices. Dynamic shared memory: blockDim.x floats.
__global__ void reduce_sum_shared_kernel(const float* x, std::int64_t n, float* partial) {
  THORAX_DYNAMIC_SHARED(float, sdata);
  unsigned tid = threadIdx.x;
  sdata[tid] = thread_slice_sum(x, n);
  __syncthreads();  // every slot written before anyone reads a neighbour's
  for (unsigned s = next_pow2(blockDim.x) / 2; s > 0; s >>= 1) {
    if (tid < s && tid + s < blockDim.x) sdata[tid] += sdata[tid + s];
    __syncthreads();  // this step's sums complete before the next step reads them
  }
  if (tid == 0) partial[blockIdx.x] = sdata[0];
}

// partial[blockIdx.x] = sum of this block's slices. blockDim.x % 32 == 0.
__global__ void reduce_sum_warp_kernel(const float* x, std::int64_t n, float* partial) {
  __shared__ float warp_sums[32];
  unsigned lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
  float v = warp_sum(thread_slice_sum(x, n));
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < blockDim.x / warpSize ? warp_sums[lane] : 0.0f;
    v = warp_sum(v);
    if (lane == 0) partial[blockIdx.x] = v;
  }
}

__global__ void fill_f32_kernel(float* p, std::int64_t n, float value) {
  std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    p[i] = value;
}

// *out += sum of this block's slices, one atomicAdd per warp. blockDim.x % 32 == 0.
__global__ void reduce_sum_atomic_kernel(const float* x, std::int64_t n, float* out) {
  float v = warp_sum(thread_slice_sum(x, n));
  if (threadIdx.x % warpSize == 0) atomicAdd(out, v);
}

namespace {

unsigned grid_for(std::int64_t n, LaunchShape shape) {
  return shape.grid ? shape.grid : blocks_for(n, shape.block, 1024);
}

void require_whole_warps(const char* what, LaunchShape shape) {
  if (shape.block % 32 != 0)
    throw std::invalid_argument(std::string(what) + ": the block size must be a multiple of 32 (got " +
                                std::to_string(shape.block) + ")");
}

}  // namespace

std::int64_t reduce_sum_workspace(std::int64_t n, LaunchShape shape) { return grid_for(n, shape); }

void reduce_sum_f32_shared(const float* x, std::int64_t n, float* out, float* workspace, LaunchShape shape) {
  unsigned grid = grid_for(n, shape);
  std::size_t shared = shape.block * sizeof(float);
  if (grid == 1) {
    launch(THORAX_KERNEL(reduce_sum_shared_kernel), Dim3(1), Dim3(shape.block), shared, x, n, out);
    return;
  }
  launch(THORAX_KERNEL(reduce_sum_shared_kernel), Dim3(grid), Dim3(shape.block), shared, x, n, workspace);
  launch(THORAX_KERNEL(reduce_sum_shared_kernel), Dim3(1), Dim3(shape.block), shared, workspace,
         static_cast<std::int64_t>(grid), out);
}

void reduce_sum_f32_warp(const float* x, std::int64_t n, float* out, float* workspace, LaunchShape shape) {
  require_whole_warps("reduce_sum_f32_warp", shape);
  unsigned grid = grid_for(n, shape);
  if (grid == 1) {
    launch(THORAX_KERNEL(reduce_sum_warp_kernel), Dim3(1), Dim3(shape.block), 0, x, n, out);
    return;
  }
  launch(THORAX_KERNEL(reduce_sum_warp_kernel), Dim3(grid), Dim3(shape.block), 0, x, n, workspace);
  launch(THORAX_KERNEL(reduce_sum_warp_kernel), Dim3(1), Dim3(shape.block), 0, workspace,
         static_cast<std::int64_t>(grid), out);
}

void fill_f32(float* p, std::int64_t n, float value, LaunchShape shape) {
  launch(THORAX_KERNEL(fill_f32_kernel), Dim3(shape.grid ? shape.grid : blocks_for(n, shape.block)), Dim3(shape.block),
         0, p, n, value);
}

void reduce_sum_f32_atomic(const float* x, std::int64_t n, float* out, LaunchShape shape) {
  require_whole_warps("reduce_sum_f32_atomic", shape);
  launch(THORAX_KERNEL(fill_f32_kernel), Dim3(1), Dim3(1), 0, out, std::int64_t{1}, 0.0f);
  launch(THORAX_KERNEL(reduce_sum_atomic_kernel), Dim3(grid_for(n, shape)), Dim3(shape.block), 0, x, n, out);
}

}  // namespace thorax::cuda
