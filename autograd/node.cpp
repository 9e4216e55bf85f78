#include "autograd/node.h"

#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/profile.h"

namespace thorax::autograd {

std::vector<Tensor> Node::apply(const std::vector<Tensor>& grad_outputs) {
  if (!backward_)
    throw std::logic_error("backward through '" + name_ +
                           "' a second time: its saved tensors were freed (pass retain_graph=true to keep them)");
  return backward_(grad_outputs);
}

void Node::release() { backward_ = nullptr; }

AccumulateGrad::AccumulateGrad(Tensor leaf) : Node("AccumulateGrad", 1, nullptr), leaf_(std::move(leaf)) {}

std::vector<Tensor> AccumulateGrad::apply(const std::vector<Tensor>& grad_outputs) {
  const Tensor& g = grad_outputs[0];
  if (!g.defined()) return {};
  if (g.shape() != leaf_.shape())
    throw std::logic_error("gradient of shape " + shape_str(g.shape()) + " for a leaf of shape " +
                           shape_str(leaf_.shape()));
  Tensor current = leaf_.grad();
  // A fresh tensor each time: gradients flowing in may be shared by other branches of the graph.
  leaf_.set_grad(current.defined() ? add(current, g) : g.clone());
  return {};
}

bool any_requires_grad(std::initializer_list<Tensor> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}

void record(const std::string& name, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
            BackwardFn backward) {
  auto node = std::make_shared<Node>(name, static_cast<uint32_t>(outputs.size()), std::move(backward));
  node->next.reserve(inputs.size());
  for (const Tensor& in : inputs) {
    if (!in.defined() || !in.requires_grad()) node->next.push_back({});
    else if (in.grad_fn()) node->next.push_back({in.grad_fn(), in.output_nr()});
    else node->next.push_back({std::make_shared<AccumulateGrad>(in), 0});
  }
  node->captures.resize(outputs.size());
  for (const Tensor& out : outputs) node->output_shapes.push_back(out.shape());
  if (!outputs.empty()) node->dtype = outputs[0].dtype();
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor out = outputs[i];  // a handle: setting history on it sets it on the caller's tensor
    out.set_history(node, static_cast<uint32_t>(i));
  }
  if (OpProfile* profile = OpProfile::active()) profile->op_recorded(name);
}

}  // namespace thorax::autograd
