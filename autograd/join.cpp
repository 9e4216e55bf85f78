#include "autograd/join.h"

#include <algorithm>
#include <stdexcept>

#include "autograd/node.h"

namespace thorax {

namespace {

// The window [start, start + length) of `t` along dim d, as a view.
Tensor window(const Tensor& t, int64_t d, int64_t start, int64_t length) {
  Shape s = t.shape();
  s[d] = length;
  return t.as_strided(s, t.strides(), t.offset() + start * t.strides()[d]);
}

// Slice i of `t` along dim d with that dim removed, as a view.
Tensor select(const Tensor& t, int64_t d, int64_t i) {
  Shape s = t.shape(), st = t.strides();
  s.erase(s.begin() + d);
  st.erase(st.begin() + d);
  return t.as_strided(s, st, t.offset() + i * t.strides()[d]);
}

void check_joinable(const std::vector<Tensor>& ts, const char* op) {
  if (ts.empty()) throw std::invalid_argument(std::string(op) + ": needs at least one tensor");
  for (size_t i = 0; i < ts.size(); ++i) {
    if (!ts[i].defined()) throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(i) + " is undefined");
    if (ts[i].dtype() != ts[0].dtype())
      throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(i) + " is " + dtype_name(ts[i].dtype()) +
                                  " but tensor 0 is " + dtype_name(ts[0].dtype()) + "; convert with .to() first");
    if (ts[i].device() != ts[0].device())
      throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(i) + " is on " + ts[i].device().str() +
                                  " but tensor 0 is on " + ts[0].device().str());
  }
}

// Records a multi-input join whose input i receives `piece(g, i)` of the output gradient.
template <class F> void record_join(const char* name, const std::vector<Tensor>& ins, const Tensor& out, F piece) {
  if (!autograd::any_requires_grad(ins)) return;
  std::vector<bool> need;
  for (const Tensor& t : ins) need.push_back(t.requires_grad());
  autograd::record(name, ins, {out}, [=](const std::vector<Tensor>& g) {
    std::vector<Tensor> grads(need.size());
    for (size_t i = 0; i < need.size(); ++i)
      if (need[i]) grads[i] = piece(g[0], static_cast<int64_t>(i)).contiguous();
    return grads;
  });
}

std::vector<Tensor> split_at(const Tensor& x, const std::vector<int64_t>& sizes, int64_t d) {
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t len : sizes) {
    out.push_back(window(x, d, start, len));
    start += len;
  }
  if (autograd::any_requires_grad({x})) {
    const Shape in = x.shape();
    const DType dt = x.dtype();
    // Backward contract: gx is the chunks' gradients laid end to end along d (assigned).
    autograd::record("split", {x}, out, [=](const std::vector<Tensor>& g) {
      Tensor gx = Tensor::empty(in, dt);
      int64_t at = 0;
      for (size_t i = 0; i < sizes.size(); ++i) {
        window(gx, d, at, sizes[i]).copy_from(g[i]);
        at += sizes[i];
      }
      return std::vector<Tensor>{gx};
    });
  }
  return out;
}

}  // namespace

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  check_joinable(ts, "cat");
  const int64_t nd = ts[0].dim();
  if (nd == 0) throw std::invalid_argument("cat: 0-d tensors have no dim to join along; use stack");
  const int64_t d = wrap_dim(dim, nd);
  Shape out_shape = ts[0].shape();
  out_shape[d] = 0;
  std::vector<int64_t> starts;
  for (size_t i = 0; i < ts.size(); ++i) {
    Shape a = ts[i].shape(), b = ts[0].shape();
    if (static_cast<int64_t>(a.size()) == nd) a[d] = b[d] = 0;
    if (a != b)
      throw std::invalid_argument("cat: tensor " + std::to_string(i) + " has shape " + shape_str(ts[i].shape()) +
                                  " but tensor 0 has " + shape_str(ts[0].shape()) + "; they may differ only in dim " +
                                  std::to_string(d));
    starts.push_back(out_shape[d]);
    out_shape[d] += ts[i].shape()[d];
  }
  Tensor out = Tensor::empty(out_shape, ts[0].dtype(), ts[0].device());
  for (size_t i = 0; i < ts.size(); ++i) window(out, d, starts[i], ts[i].shape()[d]).copy_from(ts[i]);
  std::vector<int64_t> lengths;
  for (const Tensor& t : ts) lengths.push_back(t.shape()[d]);
  // Backward contract: input i receives the window of g it was copied to (assigned).
  record_join("cat", ts, out, [=](const Tensor& g, int64_t i) { return window(g, d, starts[i], lengths[i]); });
  return out;
}

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  check_joinable(ts, "stack");
  for (size_t i = 0; i < ts.size(); ++i)
    if (ts[i].shape() != ts[0].shape())
      throw std::invalid_argument("stack: tensor " + std::to_string(i) + " has shape " + shape_str(ts[i].shape()) +
                                  " but tensor 0 has " + shape_str(ts[0].shape()) + "; all must match");
  const int64_t d = wrap_dim(dim, ts[0].dim() + 1);
  Shape out_shape = ts[0].shape();
  out_shape.insert(out_shape.begin() + d, static_cast<int64_t>(ts.size()));
  Tensor out = Tensor::empty(out_shape, ts[0].dtype(), ts[0].device());
  for (size_t i = 0; i < ts.size(); ++i) select(out, d, static_cast<int64_t>(i)).copy_from(ts[i]);
  // Backward contract: input i receives slice i of g along the new dim (assigned).
  record_join("stack", ts, out, [=](const Tensor& g, int64_t i) { return select(g, d, i); });
  return out;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  if (x.dim() == 0) throw std::invalid_argument("split: a 0-d tensor has no dim to split");
  const int64_t d = wrap_dim(dim, x.dim()), n = x.shape()[d];
  if (split_size <= 0 && n > 0)
    throw std::invalid_argument("split: split_size must be positive, got " + std::to_string(split_size));
  std::vector<int64_t> sizes;
  for (int64_t at = 0; at < n; at += split_size) sizes.push_back(std::min(split_size, n - at));
  if (sizes.empty()) sizes.push_back(0);  // an empty dim splits into one empty chunk, as in torch
  return split_at(x, sizes, d);
}

std::vector<Tensor> split_with_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  if (x.dim() == 0) throw std::invalid_argument("split_with_sizes: a 0-d tensor has no dim to split");
  const int64_t d = wrap_dim(dim, x.dim());
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw std::invalid_argument("split_with_sizes: negative size in " + shape_str(sizes));
    total += s;
  }
  if (total != x.shape()[d])
    throw std::invalid_argument("split_with_sizes: sizes " + shape_str(sizes) + " add up to " + std::to_string(total) +
                                " but dim " + std::to_string(d) + " of " + shape_str(x.shape()) + " has " +
                                std::to_string(x.shape()[d]));
  return split_at(x, sizes, d);
}

}  // namespace thorax
