// Backward pass: runs the recorded graph from a root in dependency order, accumulating gradients
// into leaves (leaf.grad += dL/dleaf). The graph's saved tensors are freed as each node runs unless
// retain_graph is set.
#pragma once
#include <memory>

#include "autograd/node.h"

namespace thorax::autograd {

// `grad_root` defaults to 1 for a one-element root; otherwise it must match root's shape.
void backward(const Tensor& root, const Tensor& grad_root = Tensor(), bool retain_graph = false);

// A handle on an intermediate tensor: its value now, and its gradient after backward. The graph keeps
// only a weak reference, so dropping the handle drops everything it held (no hooks, no leaks).
class Capture {
 public:
  Capture() = default;
  explicit Capture(std::shared_ptr<CaptureSlot> slot) : slot_(std::move(slot)) {}
  const Tensor& value() const { return slot_->value; }
  const Tensor& grad() const { return slot_->grad; }  // undefined until a backward passes through it

 private:
  std::shared_ptr<CaptureSlot> slot_;
};

// `t` must have been produced by a recorded op (not a leaf: a leaf's gradient is t.grad()).
Capture capture(const Tensor& t);

}  // namespace thorax::autograd
