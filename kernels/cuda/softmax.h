// Row-wise softmax in CUDA (softmax.cu). Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// y[r, :] = softmax(x[r, :]) for rows r < rows of `cols` contiguous floats (row-major, dense), max-subtracted
// so large logits do not overflow. y may alias x. cols >= 1.
// v1, kernel softmax_forward_naive_kernel: one thread per row; any block size.
void softmax_forward_naive(const float* x, float* y, std::int64_t rows, std::int64_t cols, LaunchShape shape = {});
// v2, kernel softmax_forward_warp_kernel: one warp per row, three passes (max, sum, write); block % 32 == 0.
void softmax_forward_warp(const float* x, float* y, std::int64_t rows, std::int64_t cols, LaunchShape shape = {});
// v3, kernel softmax_forward_online_kernel: one warp per row, max and sum in one pass (online softmax);
// block % 32 == 0.
void softmax_forward_online(const float* x, float* y, std::int64_t rows, std::int64_t cols, LaunchShape shape = {});
// Backward contract: gx = d(sum(gy * y))/dx = y * (gy - sum(gy * y)) per row, from the forward output y.
// Assigns gx (may alias gy). Kernel softmax_backward_warp_kernel: one warp per row; block % 32 == 0.
void softmax_backward(const float* y, const float* gy, float* gx, std::int64_t rows, std::int64_t cols,
                      LaunchShape shape = {});

}  // namespace thorax::cuda
