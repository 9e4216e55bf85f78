#include "nn/memory_bank.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/matmul.h"
#include "autograd/softmax.h"
#include "autograd/view.h"

namespace thorax::nn {

PrototypeMemory::PrototypeMemory(int64_t slots, int64_t dim, int64_t key_dim, double momentum)
    : slots_(slots), dim_(dim), key_dim_(key_dim), momentum_(momentum) {
  if (slots < 1 || dim < 1 || key_dim < 1)
    throw std::invalid_argument("PrototypeMemory needs at least one slot and positive widths, got slots " +
                                std::to_string(slots) + ", dim " + std::to_string(dim) + ", key_dim " +
                                std::to_string(key_dim));
  if (!(momentum >= 0.0 && momentum < 1.0))
    throw std::invalid_argument("PrototypeMemory: the momentum must lie in [0, 1), got " + std::to_string(momentum));
  query = register_module("query", std::make_shared<Linear>(dim, key_dim, false));
  key = register_module("key", std::make_shared<Linear>(dim, key_dim, false));
  prototypes = register_buffer("prototypes", Tensor::zeros({slots, dim}));
  filled = register_buffer("filled", Tensor::zeros({slots}));
}

std::string PrototypeMemory::extra_repr() const {
  char m[32];
  std::snprintf(m, sizeof m, "%g", momentum_);
  return "slots=" + std::to_string(slots_) + ", dim=" + std::to_string(dim_) + ", key_dim=" + std::to_string(key_dim_) +
         ", momentum=" + m;
}

int64_t PrototypeMemory::filled_slots() const {
  int64_t n = 0;
  for (double v : filled.to_vector()) n += v > 0.5;
  return n;
}

Tensor PrototypeMemory::forward(const Tensor& q) {
  if (q.dim() != 2 || q.size(1) != dim_)
    throw std::invalid_argument("PrototypeMemory(" + extra_repr() + ") reads with queries (N, " +
                                std::to_string(dim_) + "), got " + shape_str(q.shape()));
  // Empty slots are masked out of the softmax; with none filled there is nothing to read (the projections still
  // run, so a summary of a fresh model lists them and counts their cost).
  const Tensor queries = (*query)(q), keys = (*key)(prototypes);
  std::vector<double> mask_bias(static_cast<size_t>(slots_));
  const std::vector<double> is_filled = filled.to_vector();
  bool any = false;
  for (int64_t j = 0; j < slots_; ++j) {
    mask_bias[j] = is_filled[j] > 0.5 ? 0.0 : -1e30;
    any = any || is_filled[j] > 0.5;
  }
  if (!any) return Tensor::zeros(q.shape(), q.dtype());
  const Tensor scores = matmul(queries, transpose(keys, 0, 1)) * (1.0 / std::sqrt(double(key_dim_)));
  const Tensor bias = Tensor::from_vector(mask_bias, {1, slots_}).to(scores.dtype());
  return matmul(softmax(scores + bias, 1), prototypes);
}

void PrototypeMemory::update(const Tensor& features, const Tensor& positives) {
  if (features.dim() != 2 || features.size(1) != dim_ || positives.dim() != 2 || positives.size(1) != slots_ ||
      positives.size(0) != features.size(0))
    throw std::invalid_argument("PrototypeMemory(" + extra_repr() + ") updates from features (N, " +
                                std::to_string(dim_) + ") and positives (N, " + std::to_string(slots_) + "), got " +
                                shape_str(features.shape()) + " and " + shape_str(positives.shape()));
  autograd::NoGrad no_grad;
  const std::vector<double> f = features.detach().to_vector(), pos = positives.detach().to_vector();
  const int64_t n = features.size(0);
  float* p = prototypes.data<float>();
  float* fill = filled.data<float>();
  std::vector<double> mean(static_cast<size_t>(dim_));
  for (int64_t k = 0; k < slots_; ++k) {
    int64_t count = 0;
    std::fill(mean.begin(), mean.end(), 0.0);
    for (int64_t i = 0; i < n; ++i) {
      if (pos[i * slots_ + k] <= 0.5) continue;
      ++count;
      for (int64_t d = 0; d < dim_; ++d) mean[d] += f[i * dim_ + d];
    }
    if (count == 0) continue;
    const double keep = fill[k] > 0.5f ? momentum_ : 0.0;
    for (int64_t d = 0; d < dim_; ++d)
      p[k * dim_ + d] = static_cast<float>(keep * p[k * dim_ + d] + (1.0 - keep) * mean[d] / count);
    fill[k] = 1.0f;
  }
}

int64_t PrototypeMemory::flops(const Shape& input, const Shape& output) const {
  return input.size() == 2 ? 2 * input[0] * slots_ * (key_dim_ + dim_) : 0;
}

}  // namespace thorax::nn
