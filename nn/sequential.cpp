#include "nn/sequential.h"

#include <stdexcept>

#include "autograd/view.h"

namespace thorax::nn {

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (auto& [name, child] : children()) h = (*child)(h);
  return h;
}

Module& Sequential::operator[](size_t i) const {
  if (i >= children().size())
    throw std::out_of_range("Sequential: index " + std::to_string(i) + " out of range (" +
                            std::to_string(children().size()) + " children)");
  return *children()[i].second;
}

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(start_) + ", end_dim=" + std::to_string(end_);
}
Tensor Flatten::forward(const Tensor& x) { return flatten(x, start_, end_); }

}  // namespace thorax::nn
