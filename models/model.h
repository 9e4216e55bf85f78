// Model: an architecture built from nn/ modules, with the output of the Contracts (DESIGN.md, "Model
// output"): logits, the pooled features (what the classification head reads: what SimCLR heads and
// linear probes use instead), and optional auxiliary outputs. Every model names its stages — module paths at
// which the spatial resolution changes, shallow to deep — so Grad-CAM and FPNs can target them.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "nn/module.h"

namespace thorax::models {

struct ModelArgs {
  int64_t in_channels = 3;  // 1 for grayscale-native models, 3 for ImageNet-shaped weights
  int64_t num_classes = 1000;
  // The seed architectures' size knob (a base channel count or a common width: each header says which);
  // 0 = the architecture's default. Architectures without one refuse any other value.
  int64_t width = 0;
  // Architecture options as text ("backbones" -> "mobilenet_v2,vgg16"); each architecture names the keys it
  // takes and refuses any other.
  std::map<std::string, std::string> options = {};
};

struct ModelOutput {
  Tensor logits;      // (N, num_classes)
  Tensor features;    // (N, F): what the final linear layer reads, before the head's dropout if it has one
  Tensor aux_logits;  // (N, num_classes) from an auxiliary classifier in training mode (inception_v3), else undefined
  Tensor aux_loss;    // scalar a model adds to the training loss itself (none of the torchvision models), else undefined
};

class Model : public nn::Module {
 public:
  // `option_keys`: the ModelArgs::options this architecture reads ("width" if it takes a width); others are
  // refused with an error listing these.
  Model(std::string architecture, ModelArgs args, int64_t min_size, std::vector<std::string> option_keys = {});

  const std::string& architecture() const { return arch_; }
  const ModelArgs& args() const { return args_; }
  // Smallest height and width the architecture accepts.
  int64_t min_size() const { return min_size_; }

  // Checks the input (N, in_channels, H ≥ min_size, W ≥ min_size) and runs the model. `labels` are
  // for models whose auxiliary loss needs them; the torchvision architectures ignore them.
  ModelOutput run(const Tensor& x, const Tensor& labels = Tensor());
  Tensor forward(const Tensor& x) override { return run(x).logits; }

  // Module paths, shallow to deep; the last is the default Grad-CAM layer.
  virtual std::vector<std::string> stages() const = 0;

  // The architecture's own initialization (torchvision's), drawn from `gen`. Models are built with
  // zero-filled weights, ready to load a file; training from scratch calls this first.
  virtual void initialize(Generator& gen) = 0;

 protected:
  virtual ModelOutput forward_output(const Tensor& x, const Tensor& labels) = 0;

 private:
  std::string arch_;
  ModelArgs args_;
  int64_t min_size_;
};

// Training mode for batch norm (batch statistics, running statistics updated) with dropout and stochastic
// depth still off, or plain eval mode: the two reproducible modes, which `thorax model forward` and the
// PyTorch parity tests compare.
void set_reproducible_mode(Model& model, bool batch_statistics);

// Runs the model and keeps the outputs of the named modules (stages or any other module path).
// Unknown names are an error that lists the model's stages.
struct StagedOutput {
  ModelOutput output;
  std::map<std::string, Tensor> stages;
};
StagedOutput run_with_stages(Model& model, const Tensor& x, const std::vector<std::string>& names);

}  // namespace thorax::models
