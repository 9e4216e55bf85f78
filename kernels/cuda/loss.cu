// Fused losses: BCE with logits and binary focal loss (elementwise, grid-stride), softmax cross-entropy
// (one warp per row). One version each.
//
// Layout: BCE/focal x, target, weight, loss, g, gx are n contiguous floats; CE logits and gx are n × c
// row-major, target n int64 class indices, loss and g n floats.
// FLOPs: ~10-30 per element (an exp and a log1p each); CE ~5 per logit. Memory bound.
// Numerics: softplus(x) = max(x, 0) + log1p(exp(−|x|)) never overflows; CE subtracts the row max before exp.
// Deterministic: no atomics; each CE row is reduced by one warp in a fixed order.
#include <cmath>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/loss.h"

namespace thorax::cuda {

namespace {

__device__ __forceinline__ float softplus(float x) { return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x))); }
__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

}  // namespace

__global__ void bce_with_logits_forward_kernel(BceArgs a, float* loss) {
  for (std::int64_t i = detail::first_index(); i < a.n; i += detail::grid_stride()) {
    float x = a.x[i], t = a.target[i];
    float pw = a.pos_weight ? a.pos_weight[i % a.classes] : 1.0f, w = a.weight ? a.weight[i] : 1.0f;
    loss[i] = w * (pw * t * softplus(-x) + (1.0f - t) * softplus(x));
  }
}

__global__ void bce_with_logits_backward_kernel(BceArgs a, const float* g, float* gx) {
  for (std::int64_t i = detail::first_index(); i < a.n; i += detail::grid_stride()) {
    float x = a.x[i], t = a.target[i];
    float pw = a.pos_weight ? a.pos_weight[i % a.classes] : 1.0f, w = a.weight ? a.weight[i] : 1.0f;
    float s = sigmoid(x);
    gx[i] = g[i] * w * ((1.0f - t) * s - pw * t * (1.0f - s));
  }
}

namespace {

// The focal loss's pieces at one element: l = w·α_t·q^γ·ce with q = 1 − p_t.
struct Focal {
  float s, ce, q, alpha_t;
};
__device__ __forceinline__ Focal focal_terms(float x, float t, float alpha) {
  Focal f;
  f.s = sigmoid(x);
  f.ce = t * softplus(-x) + (1.0f - t) * softplus(x);
  f.q = 1.0f - (f.s * t + (1.0f - f.s) * (1.0f - t));
  f.alpha_t = alpha >= 0.0f ? alpha * t + (1.0f - alpha) * (1.0f - t) : 1.0f;
  return f;
}

}  // namespace

__global__ void focal_loss_forward_kernel(FocalArgs a, float* loss) {
  for (std::int64_t i = detail::first_index(); i < a.n; i += detail::grid_stride()) {
    Focal f = focal_terms(a.x[i], a.target[i], a.alpha);
    float w = a.weight ? a.weight[i] : 1.0f;
    loss[i] = w * f.alpha_t * powf(f.q, a.gamma) * f.ce;
  }
}

// d ce/dx = σ − t and d q/dx = −σ(1−σ)(2t − 1), so
//   dl/dx = w·α_t·[q^γ·(σ − t) + γ·q^(γ−1)·(dq/dx)·ce].
// The second term is dropped at q = 0 (its limit for γ >= 1; for 0 < γ < 1 the true derivative is
// unbounded there, and torch's autograd gives NaN).
__global__ void focal_loss_backward_kernel(FocalArgs a, const float* g, float* gx) {
  for (std::int64_t i = detail::first_index(); i < a.n; i += detail::grid_stride()) {
    float t = a.target[i];
    Focal f = focal_terms(a.x[i], t, a.alpha);
    float w = a.weight ? a.weight[i] : 1.0f;
    float dq = -f.s * (1.0f - f.s) * (2.0f * t - 1.0f);
    float d = powf(f.q, a.gamma) * (f.s - t);
    if (f.q > 0.0f && a.gamma != 0.0f) d += a.gamma * powf(f.q, a.gamma - 1.0f) * dq * f.ce;
    gx[i] = g[i] * w * f.alpha_t * d;
  }
}

namespace {

// Row r's log-sum-exp, in every lane of the warp.
__device__ __forceinline__ float warp_row_lse(const float* xr, std::int64_t c, unsigned lane) {
  float m = -INFINITY;
  for (std::int64_t k = lane; k < c; k += warpSize) m = fmaxf(m, xr[k]);
  m = detail::warp_all_max(m);
  float s = 0.0f;
  for (std::int64_t k = lane; k < c; k += warpSize) s += expf(xr[k] - m);
  return m + logf(detail::warp_all_sum(s));
}

}  // namespace

__global__ void cross_entropy_forward_kernel(CrossEntropyArgs a, float* loss) {
  const unsigned lane = threadIdx.x % warpSize;
  THORAX_FOR_EACH_WARP_ROW(r, a.n) {
    const std::int64_t y = a.target[r];
    if (y == a.ignore_index) {  // uniform across the warp: the whole warp skips the row
      if (lane == 0) loss[r] = 0.0f;
      continue;
    }
    const float* xr = a.logits + r * a.c;
    float lse = warp_row_lse(xr, a.c, lane);
    // −log p_k = lse − x_k; the smoothing term sums it over the classes, weighted.
    float smooth = 0.0f;
    if (a.smoothing != 0.0f) {
      for (std::int64_t k = lane; k < a.c; k += warpSize) smooth += (a.class_weight ? a.class_weight[k] : 1.0f) * (lse - xr[k]);
      smooth = detail::warp_all_sum(smooth);
    }
    if (lane == 0) {
      float wy = a.class_weight ? a.class_weight[y] : 1.0f;
      loss[r] = (1.0f - a.smoothing) * wy * (lse - xr[y]) + a.smoothing / static_cast<float>(a.c) * smooth;
    }
  }
}

__global__ void cross_entropy_backward_kernel(CrossEntropyArgs a, const float* g, float* gx) {
  const unsigned lane = threadIdx.x % warpSize;
  // W = Σ_k w_k, the same for every row: each warp sums it once.
  float W = static_cast<float>(a.c);
  if (a.class_weight) {
    W = 0.0f;
    for (std::int64_t k = lane; k < a.c; k += warpSize) W += a.class_weight[k];
    W = detail::warp_all_sum(W);
  }
  THORAX_FOR_EACH_WARP_ROW(r, a.n) {
    const std::int64_t y = a.target[r];
    float* out = gx + r * a.c;
    if (y == a.ignore_index) {
      for (std::int64_t k = lane; k < a.c; k += warpSize) out[k] = 0.0f;
      continue;
    }
    const float* xr = a.logits + r * a.c;
    float lse = warp_row_lse(xr, a.c, lane);
    float wy = a.class_weight ? a.class_weight[y] : 1.0f, gr = g[r], eps_c = a.smoothing / static_cast<float>(a.c);
    for (std::int64_t k = lane; k < a.c; k += warpSize) {
      float p = expf(xr[k] - lse), wk = a.class_weight ? a.class_weight[k] : 1.0f;
      out[k] = gr * ((1.0f - a.smoothing) * wy * (p - (k == y ? 1.0f : 0.0f)) + eps_c * (W * p - wk));
    }
  }
}

void bce_with_logits_forward(const BceArgs& a, float* loss, LaunchShape shape) {
  launch(THORAX_KERNEL(bce_with_logits_forward_kernel), Dim3(detail::grid_for(a.n, shape)), Dim3(shape.block), 0, a,
         loss);
}

void bce_with_logits_backward(const BceArgs& a, const float* g, float* gx, LaunchShape shape) {
  launch(THORAX_KERNEL(bce_with_logits_backward_kernel), Dim3(detail::grid_for(a.n, shape)), Dim3(shape.block), 0, a,
         g, gx);
}

void focal_loss_forward(const FocalArgs& a, float* loss, LaunchShape shape) {
  launch(THORAX_KERNEL(focal_loss_forward_kernel), Dim3(detail::grid_for(a.n, shape)), Dim3(shape.block), 0, a,
         loss);
}

void focal_loss_backward(const FocalArgs& a, const float* g, float* gx, LaunchShape shape) {
  launch(THORAX_KERNEL(focal_loss_backward_kernel), Dim3(detail::grid_for(a.n, shape)), Dim3(shape.block), 0, a, g,
         gx);
}

void cross_entropy_forward(const CrossEntropyArgs& a, float* loss, LaunchShape shape) {
  launch(THORAX_KERNEL(cross_entropy_forward_kernel),
         Dim3(detail::warp_rows_grid(a.n, shape, "cross_entropy_forward")), Dim3(shape.block), 0, a, loss);
}

void cross_entropy_backward(const CrossEntropyArgs& a, const float* g, float* gx, LaunchShape shape) {
  launch(THORAX_KERNEL(cross_entropy_backward_kernel),
         Dim3(detail::warp_rows_grid(a.n, shape, "cross_entropy_backward")), Dim3(shape.block), 0, a, g, gx);
}

}  // namespace thorax::cuda
