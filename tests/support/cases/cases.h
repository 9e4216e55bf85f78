// Shared by the per-family case files (cases/*.cpp): short constructors for input specs and the
// function each family provides. A new op family adds a file here and one line to op_cases.cpp.
#pragma once
#include <vector>

#include "autograd/ops.h"
#include "tests/support/op_cases.h"

namespace thorax::testing {

using Inputs = std::vector<Tensor>;

inline InputSpec in(Shape s, std::string domain = "normal") {
  InputSpec i;
  i.shape = std::move(s);
  i.domain = std::move(domain);
  return i;
}
// Values drawn N(0, scale²) and pushed at least 0.05 away from the kinks in `avoid`.
inline InputSpec kinked(Shape s, std::vector<double> avoid, double scale = 1.0) {
  InputSpec i = in(std::move(s));
  i.avoid = std::move(avoid);
  i.scale = scale;
  return i;
}
inline InputSpec noncontig(InputSpec s) {
  s.noncontig = true;
  return s;
}
// An input the op reads but whose gradient is not asked for (indices, masks, fixed weights).
inline InputSpec constant(InputSpec s) {
  s.grad = false;
  return s;
}

void add_elementwise_cases(std::vector<OpCase>& t);
void add_reduce_cases(std::vector<OpCase>& t);
void add_matmul_cases(std::vector<OpCase>& t);
void add_view_cases(std::vector<OpCase>& t);
void add_conv_cases(std::vector<OpCase>& t);
void add_norm_cases(std::vector<OpCase>& t);
void add_sequence_cases(std::vector<OpCase>& t);
void add_loss_cases(std::vector<OpCase>& t);

}  // namespace thorax::testing
