// Elementwise CUDA kernels (elementwise.cu). Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

namespace thorax::cuda {

// Launch shape chosen by the caller: threads per block, and blocks (0: enough to cover n, capped).
struct LaunchShape {
  unsigned block = 256;
  unsigned grid = 0;
};

// out[i] = a[i] + b[i], i < n. Kernel: add_f32_grid_stride.
void add_f32(const float* a, const float* b, float* out, std::int64_t n, LaunchShape shape = {});

}  // namespace thorax::cuda
