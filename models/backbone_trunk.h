// A zoo backbone without its head: the modules that turn an image into its last feature map, taken from the
// backbone as the registry builds it, under the backbone's own names. A seed model registers the trunk under the
// backbone's name, so its parameters read "<backbone>.<torchvision or timm name>" ("vgg16.features.0.weight") and
// ImageNet weights exported by tools/torchvision_to_safetensors.py load once that prefix is added.
// Backbones with a trunk: mobilenet_v2, inception_v3, vgg16, vgg16_bn, xception, resnet18/34/50/101,
// efficientnet_b0.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "nn/sequential.h"
#include "tensor/rng.h"

namespace thorax::models {

struct Trunk {
  std::string backbone;
  std::shared_ptr<nn::Sequential> body;  // children named as in the backbone, run in order
  int64_t channels = 0;                  // of the last feature map
  int64_t min_size = 1;                  // smallest input height and width
  std::vector<std::string> stages;       // the backbone's stages: paths inside `body`
};

// An unknown or unsupported backbone is an error listing the supported ones.
Trunk make_trunk(const std::string& backbone, int64_t in_channels);
std::vector<std::string> trunk_backbones();
// The backbone's own initialization rule for its convolutions and batch norms (torchvision's: kaiming normal,
// fan_out; inception_v3: truncated normal, std 0.1).
void initialize_trunk(const Trunk& trunk, Generator& gen);

}  // namespace thorax::models
