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
      // convolution, pooling, resampling
      "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "upsample_nearest",
      "upsample_bilinear",
      // normalization, dropout, softmax, joining and padding
      "batch_norm", "layer_norm", "dropout", "softmax", "log_softmax", "cat", "stack", "split", "pad",
      // sequence models and attention
      "lstm", "attention",
      // losses
      "bce_with_logits", "focal_loss", "cross_entropy", "nt_xent", "mse_loss",
  };
  return names;
}

}  // namespace thorax::autograd
