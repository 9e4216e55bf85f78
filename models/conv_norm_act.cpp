#include "models/conv_norm_act.h"

#include "nn/init.h"

namespace thorax::models {

Conv2dNormActivation::Conv2dNormActivation(const ConvNormActConfig& c) {
  const int64_t pad = (c.kernel - 1) / 2;
  push_back(std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = c.in,
                                                          .out = c.out,
                                                          .kernel = {c.kernel, c.kernel},
                                                          .stride = {c.stride, c.stride},
                                                          .padding = {pad, pad},
                                                          .groups = c.groups,
                                                          .bias = false}));
  push_back(std::make_shared<nn::BatchNorm2d>(c.out, c.norm));
  if (c.activation) push_back(nn::make_activation(*c.activation));
}

bool init_conv_or_norm(nn::Module& m, Generator& gen) {
  if (auto* conv = dynamic_cast<nn::Conv2d*>(&m)) {
    nn::init::kaiming_normal(conv->weight, nn::init::FanMode::fan_out, nn::init::gain("relu"), gen);
    if (conv->bias.defined()) conv->bias.fill(0.0);
    return true;
  }
  if (auto* norm = dynamic_cast<nn::BatchNorm2d*>(&m)) {
    norm->reset_own_parameters(gen);
    return true;
  }
  return false;
}

}  // namespace thorax::models
