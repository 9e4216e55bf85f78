// Fused loss kernels in CUDA (loss.cu): BCE with logits (weighted), binary focal loss, softmax
// cross-entropy. Per-element (BCE, focal) or per-row (CE) losses; the reduction (sum, mean) is left to the
// caller, as in kernels/loss.h. Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// BCE with logits, kernels/loss.h's definition: l = w·[pw_c·t·softplus(−x) + (1−t)·softplus(x)], with
// pos_weight indexed by i % classes (the last dim) and weight per element; either may be null (= 1).
struct BceArgs {
  const float* x = nullptr;
  const float* target = nullptr;
  const float* pos_weight = nullptr;
  const float* weight = nullptr;
  std::int64_t n = 0, classes = 1;
};
// Kernel bce_with_logits_forward_kernel.
void bce_with_logits_forward(const BceArgs& a, float* loss, LaunchShape shape = {});
// Backward contract: gx[i] = g[i]·w·[(1−t)·σ(x) − pw·t·(1−σ(x))]. Assigns. Kernel bce_with_logits_backward_kernel.
void bce_with_logits_backward(const BceArgs& a, const float* g, float* gx, LaunchShape shape = {});

// Binary focal loss (Lin et al. 2017; torchvision's sigmoid_focal_loss, autograd/loss.cpp's composition):
//   p = σ(x), ce = t·softplus(−x) + (1−t)·softplus(x), p_t = p·t + (1−p)(1−t),
//   l = w · α_t · (1 − p_t)^γ · ce,   α_t = α·t + (1−α)(1−t) (α < 0: α_t = 1).
// weight may be null (= 1). gamma >= 0.
struct FocalArgs {
  const float* x = nullptr;
  const float* target = nullptr;
  const float* weight = nullptr;
  std::int64_t n = 0;
  float alpha = 0.25f, gamma = 2.0f;
};
// Kernel focal_loss_forward_kernel.
void focal_loss_forward(const FocalArgs& a, float* loss, LaunchShape shape = {});
// Backward contract: gx[i] = g[i]·dl_i/dx_i. Assigns. Kernel focal_loss_backward_kernel.
void focal_loss_backward(const FocalArgs& a, const float* g, float* gx, LaunchShape shape = {});

// Softmax cross-entropy over rows of logits (n × c), kernels/loss.h's definition (class weights w, label
// smoothing ε, ignore_index): l_i = (1−ε)·w_{y_i}·(−log p_{i,y_i}) + (ε/c)·Σ_k w_k·(−log p_{ik}); an
// ignored row gives 0. One warp per row: block % 32 == 0.
struct CrossEntropyArgs {
  const float* logits = nullptr;
  const std::int64_t* target = nullptr;
  const float* class_weight = nullptr;  // null = all ones
  float smoothing = 0.0f;
  std::int64_t ignore_index = -100;
  std::int64_t n = 0, c = 0;
};
// Kernel cross_entropy_forward_kernel.
void cross_entropy_forward(const CrossEntropyArgs& a, float* loss, LaunchShape shape = {});
// Backward contract: gx[i,k] = g[i]·[(1−ε)·w_y·(p_k − [k=y]) + (ε/c)·(W·p_k − w_k)], W = Σ w; ignored rows
// get 0. Assigns. Kernel cross_entropy_backward_kernel.
void cross_entropy_backward(const CrossEntropyArgs& a, const float* g, float* gx, LaunchShape shape = {});

}  // namespace thorax::cuda
