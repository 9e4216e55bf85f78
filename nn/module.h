// Module: a node of a model tree. It owns named parameters (trainable leaves), named buffers (state that
// is saved but not trained, e.g. batch-norm running statistics) and named child modules. Names join with
// dots exactly as PyTorch's state_dict keys do ("layer1.0.conv1.weight"), so weights move between thorax
// and PyTorch by name.
//
// Layers allocate their tensors zero-filled (batch-norm scales at one, as PyTorch does) and draw nothing
// in their constructors: a whole model is initialized once, by nn::reset_parameters (PyTorch's defaults)
// or by its architecture's own rule (models/), or its weights are loaded from a file. Drawing the defaults
// first and then overwriting them, as PyTorch does, would double the start-up time of a VGG.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/rng.h"
#include "tensor/tensor.h"

namespace thorax::nn {

class Module;

// Sees every call made through Module::operator(): summaries (shapes, FLOPs) and stage captures
// (Grad-CAM) are observers, so models need no instrumentation of their own.
class ForwardObserver {
 public:
  virtual ~ForwardObserver() = default;
  virtual void on_forward(const Module& module, const Tensor& input, const Tensor& output) = 0;
};

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // PyTorch's class name ("Conv2d", "BatchNorm2d"), shown in summaries.
  virtual std::string type_name() const = 0;
  // The configuration in one line ("3, 64, kernel_size=(7, 7), stride=(2, 2)"), as PyTorch prints it.
  virtual std::string extra_repr() const { return ""; }

  // The single-tensor forward pass. Modules with other signatures (LSTM, attention) document theirs.
  virtual Tensor forward(const Tensor& x);
  // What composite modules call on their children: forward(), then the observers, if any.
  Tensor operator()(const Tensor& x);

  // FLOPs of one call with these input and output shapes, counted as 2 per multiply-add of the layer's
  // products (convolutions, linear maps, recurrent and attention projections). Layers without products
  // (activations, pools, normalization) count 0, so totals are comparable with published GMAC tables.
  virtual int64_t flops(const Shape& input, const Shape& output) const { return 0; }

  // PyTorch's default initialization of this module's own parameters (children untouched).
  virtual void reset_own_parameters(Generator& gen) {}

  // ---- the tree ----
  // Parameters, then buffers, of this module, then each child's, recursively: PyTorch's state_dict order.
  NamedTensors named_parameters() const;
  NamedTensors named_buffers() const;
  NamedTensors state_dict() const;
  std::vector<Tensor> parameters() const;
  int64_t num_parameters() const;  // elements, trainable or frozen
  // This module ("") and every descendant, depth first, in registration order.
  std::vector<std::pair<std::string, Module*>> named_modules();
  std::vector<std::pair<std::string, const Module*>> named_modules() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const { return children_; }
  // The descendant at a dotted path ("layer4.1.conv2"); the error lists what exists at the failing level.
  Module& at(const std::string& path);
  const NamedTensors& own_parameters() const { return params_; }
  const NamedTensors& own_buffers() const { return buffers_; }

  // ---- modes ----
  // Training mode for this module and every descendant (batch statistics, active dropout).
  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }

  // Stops (or restarts) gradients for every parameter named `prefix` or starting with `prefix` + ".";
  // "" means all. Returns how many parameters it names; a prefix that names none is an error.
  int64_t freeze(const std::string& prefix);
  int64_t unfreeze(const std::string& prefix);
  void zero_grad();

  // Adds (removes) an observer on this module and every descendant; several may watch at once.
  void add_observer(ForwardObserver* observer);
  void remove_observer(ForwardObserver* observer);

 protected:
  // Registers a trainable leaf (requires_grad is set) and returns the same tensor handle.
  Tensor register_parameter(const std::string& name, Tensor t);
  Tensor register_buffer(const std::string& name, Tensor t);
  template <class M> std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    add_child(name, m);
    return m;
  }

 private:
  void check_new_name(const std::string& name) const;
  void add_child(const std::string& name, std::shared_ptr<Module> m);
  int64_t set_requires_grad(const std::string& prefix, bool on, const char* verb);

  NamedTensors params_, buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
  std::vector<ForwardObserver*> observers_;
};

// Whether a dotted name lies under a prefix: "fc" covers "fc" and "fc.weight" but not "fc2.weight";
// "" covers everything. The rule for freezing, parameter groups and partial loading.
bool name_under_prefix(const std::string& name, const std::string& prefix);

// PyTorch's default initialization for every module of the tree, children before their parent.
void reset_parameters(Module& root, Generator& gen);

// Installs an observer on a tree for the lifetime of the scope.
class ObserverScope {
 public:
  ObserverScope(Module& root, ForwardObserver& observer) : root_(root), observer_(observer) {
    root_.add_observer(&observer_);
  }
  ~ObserverScope() { root_.remove_observer(&observer_); }
  ObserverScope(const ObserverScope&) = delete;
  ObserverScope& operator=(const ObserverScope&) = delete;

 private:
  Module& root_;
  ForwardObserver& observer_;
};

}  // namespace thorax::nn
