// Gradient checks of a layer through its real forward: the layer's weights are swapped for float64 leaves, so
// autograd::gradcheck can perturb them together with the inputs.
#pragma once
#include <functional>
#include <vector>

#include "autograd/gradcheck.h"
#include "nn/module.h"

namespace thorax::testing {

// Checks `forward` with respect to `inputs` (float64) and the module tensors in `fields`, which are replaced by
// float64 leaves (the module is left holding them).
inline autograd::GradcheckResult check_block(const std::vector<Tensor*>& fields, std::vector<Tensor> inputs,
                                             const std::function<Tensor(const std::vector<Tensor>&)>& forward) {
  const size_t n_inputs = inputs.size();
  for (Tensor& t : inputs) t.set_requires_grad(true);
  for (Tensor* f : fields) {
    Tensor d = f->to(DType::f64);
    d.set_requires_grad(true);
    inputs.push_back(d);
  }
  return autograd::gradcheck(
      [&](const std::vector<Tensor>& leaves) {
        for (size_t i = 0; i < fields.size(); ++i) *fields[i] = leaves[n_inputs + i];
        return forward(std::vector<Tensor>(leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(n_inputs)));
      },
      inputs, 1e-6, 1e-6, 1e-5);
}

// Random values in every parameter (biases included), so no gradient is zero by construction.
inline void randomize_parameters(nn::Module& m, uint64_t seed) {
  Generator gen(seed);
  for (auto& [name, p] : m.named_parameters()) gen.uniform_(p, -0.6, 0.6);
}

}  // namespace thorax::testing
