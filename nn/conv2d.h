// Conv2d: PyTorch's nn.Conv2d (parameters "weight" (out, in/groups, kH, kW) and "bias"), zero padding.
// Built with designated initializers: Conv2d({.in = 3, .out = 64, .kernel = {7, 7}, .stride = {2, 2},
// .padding = {3, 3}, .bias = false}).
#pragma once
#include <array>

#include "autograd/conv.h"
#include "nn/module.h"

namespace thorax::nn {

struct Conv2dConfig {
  int64_t in = 0, out = 0;
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
  bool bias = true;
};

class Conv2d : public Module {
 public:
  explicit Conv2d(const Conv2dConfig& config);
  std::string type_name() const override { return "Conv2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;
  int64_t flops(const Shape& input, const Shape& output) const override;
  void reset_own_parameters(Generator& gen) override;

  const Conv2dConfig& config() const { return cfg_; }
  Tensor weight, bias;  // bias undefined when built without one

 private:
  Conv2dConfig cfg_;
  Conv2dOptions opt_;
};

}  // namespace thorax::nn
