// A model named with its options, in the syntax of the dataset spec (DESIGN.md, Contracts):
// NAME[?key=value&key=value], e.g. "hybrid?backbones=mobilenet_v2&width=32". The key "width" sets
// ModelArgs::width; every other key goes to ModelArgs::options, which the architecture checks (an unknown key
// is an error listing the keys it takes). The registry accepts a spec wherever it takes a model name, and the
// model card stores width and options beside in_channels and num_classes, so a weights file rebuilds the same
// model.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/model.h"

namespace thorax::models {

struct ModelSpec {
  std::string name;
  int64_t width = 0;
  std::map<std::string, std::string> options;
};

ModelSpec parse_model_spec(const std::string& text);
// The spec that rebuilds `args`' width and options for architecture `name` ("name" alone when they are empty).
std::string model_spec_string(const std::string& name, const ModelArgs& args);

// An architecture's option by key, or `fallback` when absent; errors name the architecture, the key and the value.
std::string option_text(const ModelArgs& args, const std::string& arch, const std::string& key,
                        const std::string& fallback, const std::vector<std::string>& allowed = {});
double option_number(const ModelArgs& args, const std::string& arch, const std::string& key, double fallback,
                     double lo, double hi);
// A comma-separated list ("mobilenet_v2,vgg16"); empty items are an error.
std::vector<std::string> option_list(const ModelArgs& args, const std::string& arch, const std::string& key,
                                     const std::vector<std::string>& fallback);

}  // namespace thorax::models
