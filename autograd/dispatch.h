// Shared checks for the differentiable ops: floating dtype, CPU device, matching operands, and the
// rule that float32 runs the registry's default CPU version while float64 runs the reference kernel.
#pragma once
#include <string>

#include "tensor/tensor.h"

namespace thorax::autograd {

// Throws "<op>: <reason>" unless t is a float32/float64 tensor on the CPU.
void check_compute(const Tensor& t, const char* op);
// Also requires equal dtypes.
void check_compute(const Tensor& a, const Tensor& b, const char* op);

inline bool is_double(const Tensor& t) { return t.dtype() == DType::f64; }

}  // namespace thorax::autograd
