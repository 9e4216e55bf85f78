#include "autograd/dispatch.h"

#include <stdexcept>

namespace thorax::autograd {

void check_compute(const Tensor& t, const char* op) {
  if (!t.defined()) throw std::invalid_argument(std::string(op) + ": undefined tensor");
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
    throw std::invalid_argument(std::string(op) + ": needs float32 or float64, got " + dtype_name(t.dtype()) +
                                " (convert with .to(DType::f32))");
  if (!t.device().is_cpu()) throw std::invalid_argument(std::string(op) + ": only CPU tensors are supported in this build");
}

void check_compute(const Tensor& a, const Tensor& b, const char* op) {
  check_compute(a, op);
  check_compute(b, op);
  if (a.dtype() != b.dtype())
    throw std::invalid_argument(std::string(op) + ": operands have different dtypes (" + dtype_name(a.dtype()) + ", " +
                                dtype_name(b.dtype()) + ")");
}

}  // namespace thorax::autograd
