// Sequential: children called in order (PyTorch's nn.Sequential). Children are named by their index
// ("0", "1", ...) unless given a name, as with PyTorch's OrderedDict form.
#pragma once
#include <memory>
#include <string>

#include "nn/module.h"

namespace thorax::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  std::string type_name() const override { return "Sequential"; }
  Tensor forward(const Tensor& x) override;

  // Appends under the next index; returns the module for chaining.
  template <class M> std::shared_ptr<M> push_back(std::shared_ptr<M> m) {
    return register_module(std::to_string(children().size()), std::move(m));
  }
  // Appends under an explicit name.
  template <class M> std::shared_ptr<M> add(const std::string& name, std::shared_ptr<M> m) {
    return register_module(name, std::move(m));
  }
  size_t size() const { return children().size(); }
  // The i-th child.
  Module& operator[](size_t i) const;
};

// torch.flatten(x, start_dim, end_dim) as a layer (PyTorch's nn.Flatten, default start_dim 1).
class Flatten : public Module {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1) : start_(start_dim), end_(end_dim) {}
  std::string type_name() const override { return "Flatten"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

 private:
  int64_t start_, end_;
};

}  // namespace thorax::nn
