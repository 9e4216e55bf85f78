// Pooling layers, PyTorch's nn.MaxPool2d, nn.AvgPool2d and nn.AdaptiveAvgPool2d (no parameters).
#pragma once
#include <array>

#include "autograd/pool.h"
#include "nn/module.h"

namespace thorax::nn {

class MaxPool2d : public Module {
 public:
  // stride {0, 0} means the kernel size, as in PyTorch.
  MaxPool2d(std::array<int64_t, 2> kernel, const MaxPool2dOptions& options = {});
  std::string type_name() const override { return "MaxPool2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

 private:
  std::array<int64_t, 2> kernel_;
  MaxPool2dOptions opt_;
};

class AvgPool2d : public Module {
 public:
  AvgPool2d(std::array<int64_t, 2> kernel, const AvgPool2dOptions& options = {});
  std::string type_name() const override { return "AvgPool2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

 private:
  std::array<int64_t, 2> kernel_;
  AvgPool2dOptions opt_;
};

class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(std::array<int64_t, 2> output_size) : out_(output_size) {}
  std::string type_name() const override { return "AdaptiveAvgPool2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

 private:
  std::array<int64_t, 2> out_;
};

}  // namespace thorax::nn
