// Upsample (PyTorch's nn.Upsample) for NCHW tensors, modes "nearest" and "bilinear".
#pragma once
#include "autograd/upsample.h"
#include "nn/module.h"

namespace thorax::nn {

enum class UpsampleMode { nearest, bilinear };

class Upsample : public Module {
 public:
  // Give exactly one of size and scale in `options` (see autograd/upsample.h).
  Upsample(const Upsample2dOptions& options, UpsampleMode mode = UpsampleMode::nearest);
  std::string type_name() const override { return "Upsample"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

 private:
  Upsample2dOptions opt_;
  UpsampleMode mode_;
};

}  // namespace thorax::nn
