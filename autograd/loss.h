// Differentiable losses. Each returns a scalar (mean or sum) or, with Reduction::none, the
// per-element (BCE, focal, MSE) or per-sample (cross-entropy) losses. Gradients flow to the logits
// (or predictions) only: targets, weights and masks are data.
#pragma once
#include "tensor/tensor.h"

namespace thorax {

enum class Reduction { mean, sum, none };

struct BceOptions {
  Tensor pos_weight;  // (C): weight of positives per class (the last dim), e.g. inverse frequency
  Tensor weight;      // broadcastable to the logits: per-element weights
  Tensor mask;        // broadcastable to the logits: 0 = ignored (e.g. uncertain labels), 1 = counted
  Reduction reduction = Reduction::mean;
};
// Multi-label binary cross-entropy on logits (numerically stable). With a mask, the mean divides by
// the number of counted elements, not by all of them.
Tensor bce_with_logits(const Tensor& logits, const Tensor& target, const BceOptions& opt = {});

struct FocalOptions {
  double alpha = 0.25;  // weight of positives; negative disables the α term
  double gamma = 2.0;   // focusing: (1 − p_t)^γ down-weights easy examples
  Tensor mask;          // as in BceOptions
  Reduction reduction = Reduction::mean;
};
// Binary focal loss (Lin et al. 2017), torchvision's sigmoid_focal_loss definition.
Tensor focal_loss(const Tensor& logits, const Tensor& target, const FocalOptions& opt = {});

struct CrossEntropyOptions {
  Tensor class_weight;           // (C) or undefined
  double label_smoothing = 0.0;  // ε in [0, 1)
  int64_t ignore_index = -100;   // targets with this value contribute nothing
  Reduction reduction = Reduction::mean;
};
// Multi-class softmax cross-entropy: logits (N, C), target (N) class indices (int64). The weighted mean
// divides by the sum of the targets' class weights, as PyTorch does.
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& opt = {});

Tensor mse_loss(const Tensor& prediction, const Tensor& target, Reduction reduction = Reduction::mean);

// SimCLR's NT-Xent over 2N embeddings (rows i and i+N are two views of one image), temperature τ.
Tensor nt_xent(const Tensor& z, double temperature = 0.1);

}  // namespace thorax
