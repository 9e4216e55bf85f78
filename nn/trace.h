// A forward-pass trace: every module call of one run, with its output shape, parameter count and FLOPs
// (what `thorax model summary` prints). Records appear in the order calls finish, so a block follows
// its layers; a module called twice (a shared ReLU) appears twice.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "nn/module.h"

namespace thorax::nn {

struct LayerRecord {
  std::string name;  // dotted path, "" for the root
  std::string type;  // PyTorch class name
  Shape output;
  int64_t params = 0;  // the module's own parameters (a leaf's are all of them)
  int64_t flops = 0;   // this call's, by Module::flops
  bool leaf = false;   // no child modules
};

class Tracer : public ForwardObserver {
 public:
  explicit Tracer(Module& root);
  void on_forward(const Module& module, const Tensor& input, const Tensor& output) override;
  const std::vector<LayerRecord>& records() const { return records_; }
  int64_t total_flops() const;  // over all calls

 private:
  std::map<const Module*, std::string> names_;
  std::vector<LayerRecord> records_;
};

}  // namespace thorax::nn
