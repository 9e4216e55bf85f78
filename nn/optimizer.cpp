#include "nn/optimizer.h"

#include <cmath>
#include <stdexcept>

namespace thorax::nn {

Optimizer::Optimizer(std::vector<ParamGroup> groups) : groups_(std::move(groups)) {
  for (const ParamGroup& g : groups_) {
    for (const Tensor& p : g.params)
      if (!p.defined() || p.dtype() != DType::f32 || !p.is_contiguous())
        throw std::invalid_argument("optimizer: parameters must be defined, dense float32 tensors, got " + p.str());
    base_lr_.push_back(g.lr);
  }
}

void Optimizer::zero_grad() {
  for (ParamGroup& g : groups_)
    for (Tensor& p : g.params) p.zero_grad();
}

void Optimizer::set_lr_factor(double factor) {
  for (size_t i = 0; i < groups_.size(); ++i) groups_[i].lr = base_lr_[i] * factor;
}

Tensor& Optimizer::slot(size_t g, size_t j, const std::string& name) {
  for (Slot& s : slots_)
    if (s.group == g && s.index == j && s.name == name) return s.value;
  slots_.push_back({g, j, name, Tensor::zeros(groups_[g].params[j].shape())});
  return slots_.back().value;
}

std::vector<std::pair<std::string, Tensor>> Optimizer::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const Slot& s : slots_) out.emplace_back(std::to_string(s.group) + "." + std::to_string(s.index) + "." + s.name, s.value);
  out.emplace_back("steps", Tensor::scalar(static_cast<double>(steps_), DType::i64));
  return out;
}

void Optimizer::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  for (const auto& [key, value] : state) {
    if (key == "steps") {
      steps_ = static_cast<int64_t>(value.item());
      continue;
    }
    size_t a = key.find('.'), b = key.find('.', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      throw std::invalid_argument("optimizer state: malformed key '" + key + "'");
    size_t g = std::stoul(key.substr(0, a)), j = std::stoul(key.substr(a + 1, b - a - 1));
    if (g >= groups_.size() || j >= groups_[g].params.size())
      throw std::invalid_argument("optimizer state: '" + key + "' names a parameter this optimizer does not have");
    Tensor& s = slot(g, j, key.substr(b + 1));
    if (value.shape() != s.shape())
      throw std::invalid_argument("optimizer state: '" + key + "' has shape " + shape_str(value.shape()) + ", expected " +
                                  shape_str(s.shape()));
    s.copy_from(value);
  }
}

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  double total = 0;
  for (const Tensor& p : params) {
    Tensor g = p.grad();
    if (!g.defined()) continue;
    Tensor d = g.contiguous();
    const float* x = d.data<float>();
    for (int64_t i = 0; i < d.numel(); ++i) total += static_cast<double>(x[i]) * x[i];
  }
  total = std::sqrt(total);
  const double scale = max_norm / (total + 1e-6);
  if (scale < 1.0)
    for (const Tensor& p : params) {
      Tensor g = p.grad();
      if (!g.defined()) continue;
      Tensor scaled = g.contiguous().clone();
      float* d = scaled.data<float>();
      for (int64_t i = 0; i < scaled.numel(); ++i) d[i] = static_cast<float>(d[i] * scale);
      Tensor(p).set_grad(scaled);
    }
  return total;
}

}  // namespace thorax::nn
