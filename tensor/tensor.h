// Tensor: a handle to (storage, shape, strides, offset, dtype) plus its autograd record.
//
// Copying a Tensor copies the handle, not the data: two copies are the same tensor (same gradient,
// same requires_grad), as in PyTorch. A view is a new tensor sharing the storage.
//
// This folder knows nothing of autograd's logic: it only carries the record (AutogradMeta) that
// autograd/ fills in. Views and math that must be differentiable live in autograd/ as free functions
// (thorax::reshape, thorax::add, ...). The few methods here that make new tensors (contiguous, clone,
// to) are raw data operations: their results have no gradient history.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace thorax {

namespace autograd {
class Node;
}
struct AutogradMeta;

class Tensor {
 public:
  Tensor() = default;  // undefined: holds nothing

  // --- factories (CPU unless a device is given) ---
  static Tensor empty(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor ones(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor full(const Shape& shape, double value, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor scalar(double value, DType dtype = DType::f32);
  static Tensor arange(int64_t n, DType dtype = DType::f32);
  // Copies `values` (row-major) into a new tensor of `shape`; sizes must agree.
  static Tensor from_vector(const std::vector<float>& values, const Shape& shape);
  static Tensor from_vector(const std::vector<double>& values, const Shape& shape);
  // Shares `storage` with an explicit layout; checks the layout stays inside the storage.
  static Tensor from_storage(std::shared_ptr<Storage> storage, const Shape& shape, const Shape& strides,
                             int64_t offset, DType dtype);

  // --- layout ---
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  const Shape& strides() const;
  int64_t offset() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t d) const;
  int64_t numel() const;
  DType dtype() const;
  Device device() const;
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const;
  std::string str() const;  // "float32[2, 3] cpu"

  // Pointer to element [0,...,0]; T must match dtype (checked).
  template <class T> T* data() const;
  // The single value of a one-element tensor, converted to double.
  double item() const;
  // All values, converted to double, in row-major order (for tests and printing).
  std::vector<double> to_vector() const;

  // A tensor sharing this storage with a new layout (the primitive every view is built on).
  Tensor as_strided(const Shape& shape, const Shape& strides, int64_t offset) const;

  // --- raw data operations (results carry no gradient history) ---
  Tensor contiguous() const;  // itself when already contiguous, else a dense copy
  Tensor clone() const;       // always a dense copy
  Tensor to(DType dtype) const;
  void copy_from(const Tensor& src);  // same shape; converts dtype; handles any strides
  void fill(double value);

  // --- autograd record (filled in by autograd/) ---
  bool requires_grad() const;
  // Marks a leaf as wanting a gradient. Returns *this so factories can chain it.
  Tensor& set_requires_grad(bool on);
  Tensor grad() const;  // undefined until backward reaches this leaf
  void set_grad(const Tensor& g);
  void zero_grad();  // drops the gradient (next backward assigns a fresh one)
  bool is_leaf() const;
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  uint32_t output_nr() const;
  void set_history(std::shared_ptr<autograd::Node> fn, uint32_t output_nr);
  // A tensor with the same data and no history (shares storage).
  Tensor detach() const;

  // Identity: do two handles refer to the same tensor?
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

  struct Impl;  // opaque: defined in tensor.cpp

 private:
  std::shared_ptr<Impl> impl_;
  AutogradMeta& meta() const;
};

// What autograd records on a tensor. Plain data: the engine in autograd/ gives it meaning.
struct AutogradMeta {
  bool requires_grad = false;
  Tensor grad;
  std::shared_ptr<autograd::Node> grad_fn;  // null for leaves
  uint32_t output_nr = 0;                    // which output of grad_fn this tensor is
};

// Copies between arbitrary strided layouts of the same shape, converting dtype (used by
// contiguous(), to(), copy_from()). Memory movement, not math: it lives with the tensor.
void strided_copy(const Tensor& src, const Tensor& dst);

}  // namespace thorax
