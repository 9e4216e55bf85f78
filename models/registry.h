// The model zoo by name. Every architecture follows torchvision's parameter names, so a state_dict
// exported from torchvision (tools/torchvision_to_safetensors.py) loads as it is.
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
};

// All architectures, in a fixed order.
std::vector<ModelInfo> model_zoo();
// One architecture; an unknown name is an error listing the known ones.
ModelInfo model_info(const std::string& name);

// A model with the architecture's own (torchvision's) initialization drawn from `gen`.
std::unique_ptr<Model> create_model(const std::string& name, const ModelArgs& args, Generator& gen);
// A model with zero-filled weights, for loading a weights file into (initializing would be wasted work).
std::unique_ptr<Model> create_model_for_loading(const std::string& name, const ModelArgs& args);

}  // namespace thorax::models
