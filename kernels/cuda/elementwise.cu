// Elementwise add, version 1: grid-stride loop.
//
// Layout: a, b, out are contiguous float32 arrays of n elements (out may alias a or b).
// FLOPs: n additions; bytes: 12 n, so it is bound by memory bandwidth, never by arithmetic.
// Limits: any n >= 0 and any launch shape; a thread handles elements i, i + G, i + 2G, ... with G the
// number of threads in the grid, so a small grid covers any n and consecutive threads touch consecutive
// addresses (coalesced). Deterministic.
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

__global__ void add_f32_grid_stride(const float* a, const float* b,
                                    float* out, std::int64_t n) {
  std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = a[i] + b[i];
}

void add_f32(const float* a, const float* b, float* out, std::int64_t n, LaunchShape shape) {
  unsigned grid = shape.grid ? shape.grid : blocks_for(n, shape.block);
  launch(THORAX_KERNEL(add_f32_grid_stride), Dim3(grid), Dim3(shape.block), 0, a, b, out, n);
}

}  // namespace thorax::cuda
