#include "autograd/op_list.h"

namespace thorax::autograd {

const std::vector<std::string>& differentiable_ops() {
  static const std::vector<std::string> names = {
      // elementwise
      "add", "sub", "mul", "div", "pow", "exp", "log", "sqrt", "rsqrt", "abs", "neg", "clamp", "pow_scalar",
      "relu", "relu6", "leaky_relu", "sigmoid", "tanh", "silu", "gelu", "hardswish",
      // reductions
      "sum", "mean", "max", "min", "var",
      // products
      "matmul", "bmm", "linear",
      // views
      "reshape", "permute", "transpose", "narrow", "expand", "squeeze", "unsqueeze", "flatten",
  };
  return names;
}

}  // namespace thorax::autograd
