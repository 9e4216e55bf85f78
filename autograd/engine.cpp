#include "autograd/engine.h"

#include <chrono>
#include <stdexcept>
#include <unordered_map>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/profile.h"

namespace thorax::autograd {

void backward(const Tensor& root, const Tensor& grad_root, bool retain_graph) {
  if (!root.requires_grad())
    throw std::logic_error("backward() on a tensor that does not require grad (nothing recorded it)");
  Tensor seed = grad_root;
  if (!seed.defined()) {
    if (root.numel() != 1)
      throw std::invalid_argument("backward() without a gradient needs a one-element output, got " + root.str());
    seed = Tensor::ones(root.shape(), root.dtype());
  } else if (seed.shape() != root.shape()) {
    throw std::invalid_argument("gradient " + shape_str(seed.shape()) + " does not match output " +
                                shape_str(root.shape()));
  }
  NoGrad no_grad;  // backward formulas use the ordinary ops; they must not record
  OpProfile* const profile = OpProfile::active();
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = profile ? Clock::now() : Clock::time_point();
  double in_nodes = 0;  // seconds inside apply(), when profiling

  std::shared_ptr<Node> start = root.grad_fn();
  if (!start) start = std::make_shared<AccumulateGrad>(root);
  const uint32_t start_nr = root.grad_fn() ? root.output_nr() : 0;

  // Count, for every reachable node, how many edges point at it: a node runs when all arrived.
  std::unordered_map<Node*, int> pending;
  std::vector<Node*> stack{start.get()};
  pending[start.get()] = 0;
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next) {
      if (!e.fn) continue;
      auto [it, fresh] = pending.try_emplace(e.fn.get(), 0);
      ++it->second;
      if (fresh) stack.push_back(e.fn.get());
    }
  }

  std::unordered_map<Node*, std::vector<Tensor>> inbox;  // gradients w.r.t. each node's outputs
  auto deliver = [&](Node* n, uint32_t slot, const Tensor& g) {
    auto& buf = inbox[n];
    if (buf.empty()) buf.resize(n->num_outputs());
    buf[slot] = buf[slot].defined() ? add(buf[slot], g) : g;
  };
  deliver(start.get(), start_nr, seed);

  std::vector<std::shared_ptr<Node>> ready{start};
  while (!ready.empty()) {
    std::shared_ptr<Node> n = std::move(ready.back());
    ready.pop_back();
    std::vector<Tensor> grads = std::move(inbox[n.get()]);
    inbox.erase(n.get());
    grads.resize(n->num_outputs());
    for (size_t k = 0; k < grads.size() && k < n->output_shapes.size(); ++k)  // an unused output: zero gradient
      if (!grads[k].defined()) grads[k] = Tensor::zeros(n->output_shapes[k], n->dtype);
    for (size_t k = 0; k < n->captures.size(); ++k)
      if (auto slot = n->captures[k].lock()) slot->grad = grads[k];
    const Clock::time_point applying = profile ? Clock::now() : Clock::time_point();
    std::vector<Tensor> input_grads = n->apply(grads);
    if (profile) {
      const double secs = std::chrono::duration<double>(Clock::now() - applying).count();
      profile->node_applied(n->name(), secs);
      in_nodes += secs;
    }
    for (size_t i = 0; i < n->next.size(); ++i) {
      const Edge& e = n->next[i];
      if (!e.fn) continue;
      if (i < input_grads.size() && input_grads[i].defined()) deliver(e.fn.get(), e.input_nr, input_grads[i]);
      if (--pending[e.fn.get()] == 0) ready.push_back(e.fn);
    }
    if (!retain_graph) n->release();
  }
  if (profile) profile->engine_spent(std::chrono::duration<double>(Clock::now() - started).count() - in_nodes);
}

Capture capture(const Tensor& t) {
  if (!t.grad_fn())
    throw std::invalid_argument("capture() needs a tensor produced by a recorded op; read a leaf's gradient with grad()");
  auto slot = std::make_shared<CaptureSlot>();
  slot->value = t.detach();
  t.grad_fn()->captures.at(t.output_nr()) = slot;
  return Capture(slot);
}

}  // namespace thorax::autograd
