// Gradient check by central finite differences in float64.
//
// For f(inputs) -> y and a fixed random weighting w, compares the analytic gradient of
// L = sum(w * f(inputs)) (from backward) with (L(x + eps) - L(x - eps)) / (2 eps), element by element.
// Inputs must be float64; callers choose them away from kinks (relu at 0, ties in max), as Caffe's
// checker does, since a finite difference across a kink measures neither side's derivative.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace thorax::autograd {

struct GradcheckResult {
  bool ok = true;
  double max_abs_error = 0;  // largest |analytic - numeric| over all checked elements
  std::string detail;        // the worst element when the check fails
};

using GradcheckFn = std::function<Tensor(const std::vector<Tensor>&)>;

// `inputs`: float64 tensors; those with requires_grad set are checked.
GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs, double eps = 1e-6,
                          double atol = 1e-5, double rtol = 1e-4, uint64_t seed = 1);

}  // namespace thorax::autograd
