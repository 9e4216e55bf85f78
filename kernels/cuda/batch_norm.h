// Batch normalization in CUDA (batch_norm.cu), kernels/batch_norm.h's definition. Pointers are device
// pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// x[(n*C + c)*S + s], dense; channel c is normalized over its M = N*S values.
struct BatchNormShape {
  std::int64_t N = 1, C = 1, S = 1;
};

// Training forward: the batch mean and biased variance normalize x; save_mean and save_invstd (C values
// each) receive them for the backward; running_mean/running_var (may be null) move toward the batch
// statistics by `momentum`, the variance as the unbiased estimate (M >= 2). weight/bias may be null.
// Kernels: batch_norm_stats_kernel (one block per channel, `stats_block` threads, a multiple of 32), then
// batch_norm_apply_kernel (grid-stride over all elements, `shape`).
void batch_norm_forward_train(const float* x, const float* weight, const float* bias, float* y, float* save_mean,
                              float* save_invstd, float* running_mean, float* running_var, BatchNormShape d,
                              float momentum, float eps, unsigned stats_block = 128, LaunchShape shape = {});
// Inference forward: the running statistics normalize x; save_mean/save_invstd (may be null) receive them
// in the training form, for the backward. Kernel: batch_norm_eval_kernel (grid-stride).
void batch_norm_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                             const float* running_mean, const float* running_var, float* save_mean,
                             float* save_invstd, BatchNormShape d, float eps, LaunchShape shape = {});
// Backward contract: for f = sum(gy * y), assigns gx = df/dx, gweight = df/dweight, gbias = df/dbias
// (gweight/gbias skipped when null). training: the statistics depend on x (two correction terms); eval:
// they are constants. `workspace` holds 2*C floats (per channel: sum of gy, sum of gy·(x − mean)).
// Kernels: batch_norm_backward_reduce_kernel (one block per channel, `reduce_block` threads, multiple of
// 32), then batch_norm_backward_data_kernel (grid-stride, `shape`).
void batch_norm_backward(const float* x, const float* gy, const float* weight, const float* save_mean,
                         const float* save_invstd, float* gx, float* gweight, float* gbias, float* workspace,
                         BatchNormShape d, bool training, unsigned reduce_block = 128, LaunchShape shape = {});

}  // namespace thorax::cuda
