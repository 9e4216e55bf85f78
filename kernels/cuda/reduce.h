// Sum reductions in CUDA (reduce.cu). Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// Floats of workspace the two-pass reductions need for n items with this shape (one per block).
std::int64_t reduce_sum_workspace(std::int64_t n, LaunchShape shape = {});

// *out = sum of x[0..n). Two passes (blocks -> workspace -> one block), deterministic for a given shape.
// v1, kernel reduce_sum_shared_kernel: tree in shared memory, any block size.
void reduce_sum_f32_shared(const float* x, std::int64_t n, float* out, float* workspace, LaunchShape shape = {});
// v2, kernel reduce_sum_warp_kernel: warp shuffles, then one shared slot per warp; block % 32 == 0.
void reduce_sum_f32_warp(const float* x, std::int64_t n, float* out, float* workspace, LaunchShape shape = {});
// v3, kernels fill_f32_kernel + reduce_sum_atomic_kernel: warp shuffles, then one atomicAdd per warp into
// *out. One pass, no workspace, NOT deterministic (the order of the atomic adds varies); block % 32 == 0.
void reduce_sum_f32_atomic(const float* x, std::int64_t n, float* out, LaunchShape shape = {});

// p[i] = value, i < n (grid-stride). Kernel: fill_f32_kernel.
void fill_f32(float* p, std::int64_t n, float value, LaunchShape shape = {});

}  // namespace thorax::cuda
