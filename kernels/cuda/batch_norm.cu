// Batch normalization: training forward (statistics kernel + apply kernel), inference forward, backward
// (per-channel reduction kernel + elementwise kernel). One version each.
//
// Layout: (N, C, S) dense, x[(n*C + c)*S + s]; M = N*S values per channel.
// FLOPs: training forward ~5 per element (sum, squared deviation, normalize + affine), inference 3,
// backward ~6. Memory bound: the training forward reads x three times (two statistics passes, one apply).
// The statistics are a two-pass mean then variance (not E[x²] − E[x]², which loses digits when |mean| is
// large against the spread), in float32, one block per channel: each thread sums a strided slice of the
// channel's M values (consecutive threads read consecutive s: coalesced within a sample), then the block
// combines them (common.cuh's block_all_sum). Deterministic for a given block size; no atomics.
// Limits: any C (channels beyond 65535 blocks are looped over); M >= 2 in training.
#include <cmath>

#include "kernels/cuda/batch_norm.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

namespace {

__device__ __forceinline__ std::int64_t channel_index(std::int64_t m, std::int64_t c, BatchNormShape d) {
  return (m / d.S * d.C + c) * d.S + m % d.S;
}

}  // namespace

// One block per channel (channels beyond gridDim.x are taken in turn: the loop is uniform in the block, so
// every thread reaches every barrier of block_all_sum).
__global__ void batch_norm_stats_kernel(const float* x, float* save_mean, float* save_invstd, float* running_mean,
                                        float* running_var, BatchNormShape d, float momentum, float eps) {
  const std::int64_t M = d.N * d.S;
  for (std::int64_t c = blockIdx.x; c < d.C; c += gridDim.x) {
    float sum = 0.0f;
    for (std::int64_t m = threadIdx.x; m < M; m += blockDim.x) sum += x[channel_index(m, c, d)];
    const float mean = detail::block_all_sum(sum) / static_cast<float>(M);
    float ss = 0.0f;
    for (std::int64_t m = threadIdx.x; m < M; m += blockDim.x) {
      float dev = x[channel_index(m, c, d)] - mean;
      ss += dev * dev;
    }
    ss = detail::block_all_sum(ss);
    if (threadIdx.x == 0) {
      save_mean[c] = mean;
      save_invstd[c] = 1.0f / sqrtf(ss / static_cast<float>(M) + eps);
      if (running_mean) running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mean;
      if (running_var)
        running_var[c] = (1.0f - momentum) * running_var[c] + momentum * ss / static_cast<float>(M - 1);
    }
  }
}

__global__ void batch_norm_apply_kernel(const float* x, const float* weight, const float* bias, const float* mean,
                                        const float* invstd, float* y, BatchNormShape d) {
  const std::int64_t total = d.N * d.C * d.S;
  for (std::int64_t i = detail::first_index(); i < total; i += detail::grid_stride()) {
    std::int64_t c = i / d.S % d.C;
    float w = weight ? weight[c] : 1.0f, b = bias ? bias[c] : 0.0f;
    y[i] = (x[i] - mean[c]) * invstd[c] * w + b;
  }
}

// The threads holding the first C indices also record each channel's statistics in the training form.
__global__ void batch_norm_eval_kernel(const float* x, const float* weight, const float* bias,
                                       const float* running_mean, const float* running_var, float* save_mean,
                                       float* save_invstd, float* y, BatchNormShape d, float eps) {
  const std::int64_t total = d.N * d.C * d.S;
  for (std::int64_t i = detail::first_index(); i < total; i += detail::grid_stride()) {
    std::int64_t c = i / d.S % d.C;
    float invstd = 1.0f / sqrtf(running_var[c] + eps);
    float w = weight ? weight[c] : 1.0f, b = bias ? bias[c] : 0.0f;
    y[i] = (x[i] - running_mean[c]) * invstd * w + b;
    if (i < d.C && save_mean) {
      save_mean[i] = running_mean[i];
      save_invstd[i] = 1.0f / sqrtf(running_var[i] + eps);
    }
  }
}

// sums[c] = Σ gy, sums[C + c] = Σ gy·(x − mean) over channel c; gbias = the first, gweight = the second·invstd.
__global__ void batch_norm_backward_reduce_kernel(const float* x, const float* gy, const float* save_mean,
                                                  const float* save_invstd, float* gweight, float* gbias,
                                                  float* sums, BatchNormShape d) {
  const std::int64_t M = d.N * d.S;
  for (std::int64_t c = blockIdx.x; c < d.C; c += gridDim.x) {
    const float mean = save_mean[c];
    float sg = 0.0f, sgdev = 0.0f;
    for (std::int64_t m = threadIdx.x; m < M; m += blockDim.x) {
      std::int64_t i = channel_index(m, c, d);
      sg += gy[i];
      sgdev += gy[i] * (x[i] - mean);
    }
    sg = detail::block_all_sum(sg);
    sgdev = detail::block_all_sum(sgdev);
    if (threadIdx.x == 0) {
      sums[c] = sg;
      sums[d.C + c] = sgdev;
      if (gbias) gbias[c] = sg;
      if (gweight) gweight[c] = sgdev * save_invstd[c];
    }
  }
}

// Training: y depends on x also through the mean and the variance, which gives the two correction terms
// (mean of gy, and the projection on x − mean); in eval both are zero.
__global__ void batch_norm_backward_data_kernel(const float* x, const float* gy, const float* weight,
                                                const float* save_mean, const float* save_invstd, const float* sums,
                                                float* gx, BatchNormShape d, int training) {
  const std::int64_t total = d.N * d.C * d.S;
  const float inv_m = 1.0f / static_cast<float>(d.N * d.S);
  for (std::int64_t i = detail::first_index(); i < total; i += detail::grid_stride()) {
    std::int64_t c = i / d.S % d.C;
    float invstd = save_invstd[c], w = weight ? weight[c] : 1.0f;
    float mean_g = training ? sums[c] * inv_m : 0.0f;
    float k = training ? sums[d.C + c] * invstd * invstd * inv_m : 0.0f;
    gx[i] = w * invstd * (gy[i] - mean_g - (x[i] - save_mean[c]) * k);
  }
}

namespace {

unsigned channel_grid(std::int64_t C) { return blocks_for(C, 1); }

}  // namespace

void batch_norm_forward_train(const float* x, const float* weight, const float* bias, float* y, float* save_mean,
                              float* save_invstd, float* running_mean, float* running_var, BatchNormShape d,
                              float momentum, float eps, unsigned stats_block, LaunchShape shape) {
  detail::require_whole_warps("batch_norm_forward_train", stats_block);
  launch(THORAX_KERNEL(batch_norm_stats_kernel), Dim3(channel_grid(d.C)), Dim3(stats_block), 0, x, save_mean,
         save_invstd, running_mean, running_var, d, momentum, eps);
  launch(THORAX_KERNEL(batch_norm_apply_kernel), Dim3(detail::grid_for(d.N * d.C * d.S, shape)), Dim3(shape.block),
         0, x, weight, bias, static_cast<const float*>(save_mean), static_cast<const float*>(save_invstd), y, d);
}

void batch_norm_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                             const float* running_mean, const float* running_var, float* save_mean,
                             float* save_invstd, BatchNormShape d, float eps, LaunchShape shape) {
  launch(THORAX_KERNEL(batch_norm_eval_kernel), Dim3(detail::grid_for(d.N * d.C * d.S, shape)), Dim3(shape.block),
         0, x, weight, bias, running_mean, running_var, save_mean, save_invstd, y, d, eps);
}

void batch_norm_backward(const float* x, const float* gy, const float* weight, const float* save_mean,
                         const float* save_invstd, float* gx, float* gweight, float* gbias, float* workspace,
                         BatchNormShape d, bool training, unsigned reduce_block, LaunchShape shape) {
  detail::require_whole_warps("batch_norm_backward", reduce_block);
  launch(THORAX_KERNEL(batch_norm_backward_reduce_kernel), Dim3(channel_grid(d.C)), Dim3(reduce_block), 0, x, gy,
         save_mean, save_invstd, gweight, gbias, workspace, d);
  launch(THORAX_KERNEL(batch_norm_backward_data_kernel), Dim3(detail::grid_for(d.N * d.C * d.S, shape)),
         Dim3(shape.block), 0, x, gy, weight, save_mean, save_invstd, static_cast<const float*>(workspace), gx, d,
         training ? 1 : 0);
}

}  // namespace thorax::cuda
