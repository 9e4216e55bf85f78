// CBAM, the Convolutional Block Attention Module (Woo et al. 2018): a channel gate, then a spatial gate, each
// multiplying the feature map by a sigmoid.
//   channel: g_c = σ(fc2(δ(fc1(avgpool(x)))) + fc2(δ(fc1(maxpool(x)))))   (one MLP for both pooled vectors)
//   spatial: g_s = σ(conv7×7([mean_c(x); max_c(x)]))                        (2 maps in, 1 out)
//   y = (x · g_c) · g_s(x · g_c)
// The MLP is two 1×1 convolutions with bias, channels → hidden → channels (as torchvision's SqueezeExcitation, so
// the names read "channel.fc1.weight"), hidden = max(channels / reduction, min(channels, 8)): narrow models keep a
// few hidden units, since a single ReLU unit that starts dead would freeze the gate. The spatial convolution has
// a bias and no batch norm.
#pragma once
#include <memory>

#include "nn/conv2d.h"

namespace thorax::nn {

class ChannelAttention : public Module {
 public:
  ChannelAttention(int64_t channels, int64_t reduction = 16);
  std::string type_name() const override { return "ChannelAttention"; }
  Tensor forward(const Tensor& x) override;  // x · g_c, same shape

  std::shared_ptr<Conv2d> fc1, fc2;  // public so the gradient checks can swap in float64 weights
};

class SpatialAttention : public Module {
 public:
  explicit SpatialAttention(int64_t kernel = 7);
  std::string type_name() const override { return "SpatialAttention"; }
  Tensor forward(const Tensor& x) override;  // x · g_s, same shape

  std::shared_ptr<Conv2d> conv;
};

class CBAM : public Module {
 public:
  CBAM(int64_t channels, int64_t reduction = 16, int64_t spatial_kernel = 7);
  std::string type_name() const override { return "CBAM"; }
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<ChannelAttention> channel;
  std::shared_ptr<SpatialAttention> spatial;
};

}  // namespace thorax::nn
