// Tensor comparison for tests: |a - b| <= atol + rtol * max|ref| elementwise, the tolerance rule every
// kernel and parity test states.
#pragma once
#include <string>

#include "tensor/tensor.h"

namespace thorax::testing {

struct Tolerance {
  double atol = 1e-6;
  double rtol = 1e-5;
};

struct Comparison {
  bool ok = true;
  double max_abs_error = 0;
  double max_abs_ref = 0;
  std::string detail;  // shape mismatch or the worst element
};

Comparison compare(const Tensor& got, const Tensor& ref, Tolerance tol);

}  // namespace thorax::testing
