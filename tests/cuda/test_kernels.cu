// Test-only kernels: the race-test variant of the shared-memory reduction, and probes of the emulator's
// warp operations, atomics, indices and error reporting. Written in the CUDA dialect like kernels/cuda/*.cu
// and compiled only as host C++ with the emulator's shim.
#include "kernels/cuda/launch.h"
#include "tests/cuda/test_kernels.h"

namespace thorax::cuda::test {

// kernels/cuda/reduce.cu's reduce_sum_shared_kernel with the __syncthreads() after the store into sdata
// removed: a thread may fold in sdata[tid + s] before the thread owning that slot has written it.
__global__ void reduce_sum_racy_kernel(const float* x, std::int64_t n, float* partial) {
  THORAX_DYNAMIC_SHARED(float, sdata);
  unsigned tid = threadIdx.x;
  float acc = 0.0f;
  std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + tid; i < n; i += stride) acc += x[i];
  sdata[tid] = acc;
  // (the missing __syncthreads)
  unsigned p = 1;
  while (p < blockDim.x) p <<= 1;
  for (unsigned s = p / 2; s > 0; s >>= 1) {
    if (tid < s && tid + s < blockDim.x) sdata[tid] += sdata[tid + s];
    __syncthreads();
  }
  if (tid == 0) partial[blockIdx.x] = sdata[0];
}

void reduce_sum_racy(const float* x, std::int64_t n, float* partial, unsigned grid, unsigned block) {
  launch(THORAX_KERNEL(reduce_sum_racy_kernel), Dim3(grid), Dim3(block), block * sizeof(float), x, n, partial);
}

__global__ void probe_shfl_down_kernel(int* out) {
  out[threadIdx.x] = __shfl_down_sync(0xffffffffu, static_cast<int>(threadIdx.x % 32), 3);
}
__global__ void probe_shfl_xor_kernel(int* out) {
  out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, static_cast<int>(threadIdx.x % 32), 5);
}
__global__ void probe_shfl_up_width_kernel(int* out) {
  out[threadIdx.x] = __shfl_up_sync(0xffffffffu, static_cast<int>(threadIdx.x % 32), 2, 8);
}
__global__ void probe_shfl_idx_kernel(int* out) {
  out[threadIdx.x] = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.x % 32), 7);
}
__global__ void probe_ballot_kernel(unsigned* out) {
  unsigned lane = threadIdx.x % 32;
  out[threadIdx.x] = __ballot_sync(0xffffffffu, lane % 3 == 0);
  int any = __any_sync(0xffffffffu, lane == 31);
  int all = __all_sync(0xffffffffu, lane < 31);
  if (lane == 0) out[blockDim.x + threadIdx.x / 32] = static_cast<unsigned>(any * 2 + all);
}
__global__ void probe_atomics_kernel(int* counter, int* maximum) {
  atomicAdd(counter, 1);
  atomicMax(maximum, static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x));
}
__global__ void probe_index_kernel(int* out) {
  unsigned block = blockIdx.y * gridDim.x + blockIdx.x;
  unsigned thread = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
  unsigned per_block = blockDim.x * blockDim.y * blockDim.z;
  out[block * per_block + thread] = static_cast<int>(block * per_block + thread);
}
__global__ void probe_deadlock_kernel(int) {
  if (threadIdx.x < 16)
    __syncthreads();
  else
    __syncwarp();
}

void probe_shfl_down(int* out, unsigned block) {
  launch(THORAX_KERNEL(probe_shfl_down_kernel), Dim3(1), Dim3(block), 0, out);
}
void probe_shfl_xor(int* out, unsigned block) {
  launch(THORAX_KERNEL(probe_shfl_xor_kernel), Dim3(1), Dim3(block), 0, out);
}
void probe_shfl_up_width(int* out, unsigned block) {
  launch(THORAX_KERNEL(probe_shfl_up_width_kernel), Dim3(1), Dim3(block), 0, out);
}
void probe_shfl_idx(int* out, unsigned block) {
  launch(THORAX_KERNEL(probe_shfl_idx_kernel), Dim3(1), Dim3(block), 0, out);
}
void probe_ballot(unsigned* out, unsigned block) {
  launch(THORAX_KERNEL(probe_ballot_kernel), Dim3(1), Dim3(block), 0, out);
}
void probe_atomics(int* counter, int* maximum, unsigned grid, unsigned block) {
  launch(THORAX_KERNEL(probe_atomics_kernel), Dim3(grid), Dim3(block), 0, counter, maximum);
}
void probe_index(int* out, unsigned gx, unsigned gy, unsigned bx, unsigned by, unsigned bz) {
  launch(THORAX_KERNEL(probe_index_kernel), Dim3(gx, gy), Dim3(bx, by, bz), 0, out);
}
void probe_deadlock(unsigned block) { launch(THORAX_KERNEL(probe_deadlock_kernel), Dim3(1), Dim3(block), 0, 0); }
void probe_invalid_block(unsigned block) {
  launch(THORAX_KERNEL(probe_deadlock_kernel), Dim3(1), Dim3(block), 0, 0);
}

}  // namespace thorax::cuda::test
