#include "nn/module.h"

#include <stdexcept>

namespace thorax::nn {

namespace {

std::string join(const std::string& prefix, const std::string& name) { return prefix.empty() ? name : prefix + "." + name; }

template <class M, class Out> void collect_modules(M& m, const std::string& prefix, Out& out) {
  out.emplace_back(prefix, &m);
  for (auto& [name, child] : m.children()) collect_modules(static_cast<M&>(*child), join(prefix, name), out);
}

void collect(const Module& m, const std::string& prefix, bool params, bool buffers, NamedTensors& out) {
  if (params)
    for (const auto& [name, t] : m.own_parameters()) out.emplace_back(join(prefix, name), t);
  if (buffers)
    for (const auto& [name, t] : m.own_buffers()) out.emplace_back(join(prefix, name), t);
  for (const auto& [name, child] : m.children()) collect(*child, join(prefix, name), params, buffers, out);
}

}  // namespace

Tensor Module::forward(const Tensor& x) {
  throw std::logic_error(type_name() + " does not take a single tensor: call its own forward method");
}

Tensor Module::operator()(const Tensor& x) {
  Tensor y = forward(x);
  for (ForwardObserver* o : observers_) o->on_forward(*this, x, y);
  return y;
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect(*this, "", true, false, out);
  return out;
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  collect(*this, "", false, true, out);
  return out;
}

// PyTorch writes each module's parameters, then its buffers, then recurses into the children.
NamedTensors Module::state_dict() const {
  NamedTensors out;
  collect(*this, "", true, true, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (auto& [name, t] : named_parameters()) n += t.numel();
  return n;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out;
  collect_modules(*this, "", out);
  return out;
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, const Module*>> out;
  collect_modules(*this, "", out);
  return out;
}

Module& Module::at(const std::string& path) {
  Module* m = this;
  std::string walked;
  size_t start = 0;
  while (!path.empty()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    Module* next = nullptr;
    for (auto& [name, child] : m->children_)
      if (name == part) next = child.get();
    if (!next) {
      std::string names;
      for (auto& [name, child] : m->children_) names += (names.empty() ? "" : ", ") + name;
      throw std::invalid_argument("no module '" + path + "': " + (walked.empty() ? "the model" : "'" + walked + "'") +
                                  " has no child '" + part + "' (its children: " + (names.empty() ? "none" : names) +
                                  ")");
    }
    m = next;
    walked = join(walked, part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *m;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

int64_t Module::set_requires_grad(const std::string& prefix, bool on, const char* verb) {
  int64_t matched = 0;
  for (auto& [name, t] : named_parameters())
    if (name_under_prefix(name, prefix)) {
      t.set_requires_grad(on);
      ++matched;
    }
  if (matched == 0) {
    NamedTensors all = named_parameters();
    throw std::invalid_argument(std::string("cannot ") + verb + " '" + prefix +
                                "': no parameter has that name or starts with it" +
                                (all.empty() ? " (the module has no parameters)"
                                             : " (parameter names look like '" + all.front().first + "')"));
  }
  return matched;
}

int64_t Module::freeze(const std::string& prefix) { return set_requires_grad(prefix, false, "freeze"); }
int64_t Module::unfreeze(const std::string& prefix) { return set_requires_grad(prefix, true, "unfreeze"); }

void Module::zero_grad() {
  for (auto& [name, t] : named_parameters()) t.zero_grad();
}

void Module::add_observer(ForwardObserver* observer) {
  observers_.push_back(observer);
  for (auto& [name, child] : children_) child->add_observer(observer);
}

void Module::remove_observer(ForwardObserver* observer) {
  std::erase(observers_, observer);
  for (auto& [name, child] : children_) child->remove_observer(observer);
}

void Module::check_new_name(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos)
    throw std::invalid_argument("module member name '" + name + "' must be non-empty and contain no '.'");
  auto taken = [&](const auto& list) {
    for (const auto& [n, x] : list)
      if (n == name) return true;
    return false;
  };
  if (taken(params_) || taken(buffers_) || taken(children_))
    throw std::logic_error(type_name() + ": the name '" + name + "' is registered twice");
}

Tensor Module::register_parameter(const std::string& name, Tensor t) {
  check_new_name(name);
  t.set_requires_grad(true);
  params_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, Tensor t) {
  check_new_name(name);
  buffers_.emplace_back(name, t);
  return t;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> m) {
  check_new_name(name);
  if (!m) throw std::logic_error(type_name() + ": child '" + name + "' is null");
  for (ForwardObserver* o : observers_) m->add_observer(o);
  m->train(training_);
  children_.emplace_back(name, std::move(m));
}

bool name_under_prefix(const std::string& name, const std::string& prefix) {
  if (prefix.empty() || name == prefix) return true;
  return name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 && name[prefix.size()] == '.';
}

// Children first, as in PyTorch, where a parent's constructor runs after its children's and may
// overwrite their defaults (MultiheadAttention zeroes out_proj.bias).
void reset_parameters(Module& root, Generator& gen) {
  for (auto& [name, child] : root.children()) reset_parameters(*child, gen);
  root.reset_own_parameters(gen);
}

}  // namespace thorax::nn
