// The graph: every differentiable op that sees an input requiring a gradient records a Node holding
// its backward function and edges to the nodes that produced its inputs. Leaves that require a
// gradient end in an AccumulateGrad node. The graph is freed after backward (saved tensors released).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace thorax::autograd {

class Node;

// Where the gradient of one input goes: output `input_nr` of node `fn` (null: nowhere).
struct Edge {
  std::shared_ptr<Node> fn;
  uint32_t input_nr = 0;
};

// Holder for a captured activation's gradient (see capture() in engine.h).
struct CaptureSlot {
  Tensor value;
  Tensor grad;
};

using BackwardFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& grad_outputs)>;

class Node {
 public:
  Node(std::string name, uint32_t num_outputs, BackwardFn fn)
      : name_(std::move(name)), num_outputs_(num_outputs), backward_(std::move(fn)) {}
  virtual ~Node() = default;

  // Given the gradients of the loss w.r.t. this node's outputs (undefined = zero), returns the
  // gradients w.r.t. its inputs, one per edge (undefined = none).
  virtual std::vector<Tensor> apply(const std::vector<Tensor>& grad_outputs);
  // Drops what the backward saved, so memory is returned as soon as the node has run.
  virtual void release();

  const std::string& name() const { return name_; }
  uint32_t num_outputs() const { return num_outputs_; }

  std::vector<Edge> next;                               // one per input of the forward op
  std::vector<Shape> output_shapes;                     // to stand in zeros for outputs that got no gradient
  DType dtype = DType::f32;
  std::vector<std::weak_ptr<CaptureSlot>> captures;     // per output; filled by capture()

 private:
  std::string name_;
  uint32_t num_outputs_;
  BackwardFn backward_;
};

// The end of the line for a leaf: adds the incoming gradient to leaf.grad (accumulates).
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(Tensor leaf);
  std::vector<Tensor> apply(const std::vector<Tensor>& grad_outputs) override;
  void release() override {}

 private:
  Tensor leaf_;
};

// True when grad mode is on and any input requires a gradient: then the op must record a node.
bool any_requires_grad(std::initializer_list<Tensor> inputs);
bool any_requires_grad(const std::vector<Tensor>& inputs);

// Records `backward` as the producer of `outputs`, with edges to `inputs`. Tensors the backward needs
// must be captured detached (see saved()), or outputs would own their own node in a cycle.
void record(const std::string& name, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
            BackwardFn backward);

// What a backward closure should hold of a tensor: its data without its history.
inline Tensor saved(const Tensor& t) { return t.defined() ? t.detach() : t; }

}  // namespace thorax::autograd
