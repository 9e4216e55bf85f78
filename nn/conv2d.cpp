#include "nn/conv2d.h"

#include <stdexcept>

#include "nn/init.h"
#include "nn/repr.h"

namespace thorax::nn {

Conv2d::Conv2d(const Conv2dConfig& c) : cfg_(c) {
  if (c.in < 1 || c.out < 1 || c.groups < 1 || c.in % c.groups != 0 || c.out % c.groups != 0)
    throw std::invalid_argument("Conv2d: in (" + std::to_string(c.in) + ") and out (" + std::to_string(c.out) +
                                ") channels must be positive multiples of groups (" + std::to_string(c.groups) + ")");
  if (c.kernel[0] < 1 || c.kernel[1] < 1)
    throw std::invalid_argument("Conv2d: kernel size must be at least 1x1, got " + pair_repr(c.kernel));
  opt_.stride = c.stride;
  opt_.padding = c.padding;
  opt_.dilation = c.dilation;
  opt_.groups = c.groups;
  weight = register_parameter("weight", Tensor::zeros({c.out, c.in / c.groups, c.kernel[0], c.kernel[1]}));
  if (c.bias) bias = register_parameter("bias", Tensor::zeros({c.out}));
}

std::string Conv2d::extra_repr() const {
  std::string s = std::to_string(cfg_.in) + ", " + std::to_string(cfg_.out) + ", kernel_size=" + pair_repr(cfg_.kernel) +
                  ", stride=" + pair_repr(cfg_.stride);
  if (cfg_.padding != std::array<int64_t, 2>{0, 0}) s += ", padding=" + pair_repr(cfg_.padding);
  if (cfg_.dilation != std::array<int64_t, 2>{1, 1}) s += ", dilation=" + pair_repr(cfg_.dilation);
  if (cfg_.groups != 1) s += ", groups=" + std::to_string(cfg_.groups);
  if (!cfg_.bias) s += ", bias=False";
  return s;
}

Tensor Conv2d::forward(const Tensor& x) {
  if (x.dim() != 4 || x.size(1) != cfg_.in)
    throw std::invalid_argument("Conv2d(" + extra_repr() + "): expects input (N, " + std::to_string(cfg_.in) +
                                ", H, W), got " + shape_str(x.shape()));
  return conv2d(x, weight, bias, opt_);
}

int64_t Conv2d::flops(const Shape& input, const Shape& output) const {
  return 2 * numel(output) * (cfg_.in / cfg_.groups) * cfg_.kernel[0] * cfg_.kernel[1];
}

void Conv2d::reset_own_parameters(Generator& gen) { init::default_weight_and_bias(weight, &bias, gen); }

}  // namespace thorax::nn
