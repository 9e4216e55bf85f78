// The model zoo by name. Every architecture follows torchvision's parameter names (timm's for
// inception_resnet_v2 and xception), so a state_dict exported from torchvision or timm
// (tools/torchvision_to_safetensors.py) loads as it is. The seed documents' own architectures (hybrid,
// resnet50_cbam_fpn, chest_attention_net, rare_disease, dual_stream, semssxl) follow; their backbone parts keep
// the backbone's names under its name as prefix ("mobilenet_v2.features.0.0.weight").
// Wherever a name is taken, so is a spec with options: "hybrid?backbones=mobilenet_v2&width=32"
// (models/model_spec.h).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace thorax::models {

struct ModelInfo {
  std::string name;         // "resnet18"
  std::string description;  // one line
  std::string classifier;   // module path of the final linear layer: its weight's rows are the classes
  std::string input_conv;   // module path of the first convolution: its weight's columns are the input channels
  std::function<std::unique_ptr<Model>(const ModelArgs&)> make;  // zero-filled weights
  bool has_reference = true;  // torchvision or timm builds it too (the parity tests compare with it)
};

// All architectures, in a fixed order.
std::vector<ModelInfo> model_zoo();
// One architecture by name or spec; an unknown name is an error listing the known ones. For a spec, `make`
// adds the spec's width and options to the arguments it is given.
ModelInfo model_info(const std::string& name);

// A model with the architecture's own (torchvision's) initialization drawn from `gen`.
std::unique_ptr<Model> create_model(const std::string& name, const ModelArgs& args, Generator& gen);
// A model with zero-filled weights, for loading a weights file into (initializing would be wasted work).
std::unique_ptr<Model> create_model_for_loading(const std::string& name, const ModelArgs& args);

}  // namespace thorax::models
