// Fused loss kernels: binary cross-entropy with logits, and softmax cross-entropy.
//
// Both compute per-element (BCE) or per-sample (CE) losses; the reduction (sum, mean over counted
// elements) is applied by autograd/loss.cpp with the ordinary reductions. Deterministic.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

// BCE with logits, numerically stable: l = w·[pw_c·t·softplus(−x) + (1−t)·softplus(x)].
// x, t, weight: n elements (dense); pos_weight: `classes` values indexed by i % classes (the last dim);
// pos_weight and weight may be null (= 1). Masks are folded into `weight` by the caller.
// FLOPs: ~10 per element.
template <class T> struct BceArgs {
  const T* x = nullptr;
  const T* target = nullptr;
  const T* pos_weight = nullptr;
  const T* weight = nullptr;
  int64_t n = 0, classes = 1;
};
template <class T> using BceForwardFn = void (*)(const BceArgs<T>& a, T* loss);
// Backward contract: gx[i] = g[i] · dl_i/dx_i = g·w·[(1−t)·σ(x) − pw·t·(1−σ(x))]. Assigns gx.
template <class T> using BceBackwardFn = void (*)(const BceArgs<T>& a, const T* g, T* gx);
struct BceKernel {
  BceForwardFn<float> forward;
  BceBackwardFn<float> backward;
};
const Op<BceKernel>& bce_with_logits_op();

// Softmax cross-entropy over rows of `logits` (n × c), class-index targets, optional class weights w
// and label smoothing ε (PyTorch's definition):
//   l_i = (1−ε)·w_{y_i}·(−log p_{i,y_i}) + (ε/c)·Σ_k w_k·(−log p_{ik}),  p = softmax(logits_i).
// A target equal to ignore_index gives l_i = 0. FLOPs: ~5·n·c (one exp per logit).
template <class T> struct CrossEntropyArgs {
  const T* logits = nullptr;
  const int64_t* target = nullptr;
  const T* class_weight = nullptr;  // null = all ones
  double smoothing = 0.0;
  int64_t ignore_index = -100;
  int64_t n = 0, c = 0;
};
template <class T> using CrossEntropyForwardFn = void (*)(const CrossEntropyArgs<T>& a, T* loss);
// Backward contract: gx[i,k] = g[i]·dl_i/dx_ik = g·[(1−ε)·w_y·(p_k − [k=y]) + (ε/c)·(W·p_k − w_k)],
// W = Σ w; rows with an ignored target get 0. Assigns gx.
template <class T> using CrossEntropyBackwardFn = void (*)(const CrossEntropyArgs<T>& a, const T* g, T* gx);
struct CrossEntropyKernel {
  CrossEntropyForwardFn<float> forward;
  CrossEntropyBackwardFn<float> backward;
};
const Op<CrossEntropyKernel>& cross_entropy_op();

void describe_loss(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
