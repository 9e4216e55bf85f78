#include "autograd/reduce.h"

#include <algorithm>
#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "autograd/view.h"
#include "kernels/reduce.h"
#include "kernels/reference/reduce.h"

namespace thorax {

using kernels::ReduceOp;

namespace {

// How a reduction sees its input: a dense (outer, r, inner) array, possibly a permuted copy.
struct Layout {
  Dims perm;  // empty when x is reduced in place (reduced dims adjacent)
  int64_t outer = 1, r = 1, inner = 1;
  Shape out_shape;   // with or without kept dims
  Shape permuted_shape;
};

Layout plan(const Tensor& x, Dims dims, bool keepdim) {
  const int64_t nd = x.dim();
  if (dims.empty())
    for (int64_t d = 0; d < nd; ++d) dims.push_back(d);
  for (auto& d : dims) d = wrap_dim(d, nd);
  std::sort(dims.begin(), dims.end());
  if (std::adjacent_find(dims.begin(), dims.end()) != dims.end())
    throw std::invalid_argument("reduction: a dim is listed twice");
  Layout L;
  std::vector<bool> reduced(static_cast<size_t>(nd), false);
  for (int64_t d : dims) reduced[d] = true;
  for (int64_t d = 0; d < nd; ++d) {
    if (reduced[d]) {
      L.r *= x.shape()[d];
      if (keepdim) L.out_shape.push_back(1);
    } else {
      L.out_shape.push_back(x.shape()[d]);
    }
  }
  bool adjacent = dims.empty() || dims.back() - dims.front() + 1 == static_cast<int64_t>(dims.size());
  if (adjacent) {
    int64_t first = dims.empty() ? nd : dims.front(), last = dims.empty() ? nd - 1 : dims.back();
    for (int64_t d = 0; d < first; ++d) L.outer *= x.shape()[d];
    for (int64_t d = last + 1; d < nd; ++d) L.inner *= x.shape()[d];
  } else {  // move the reduced dims last: (kept..., reduced...)
    for (int64_t d = 0; d < nd; ++d)
      if (!reduced[d]) L.perm.push_back(d), L.outer *= x.shape()[d];
    for (int64_t d : dims) L.perm.push_back(d);
    for (int64_t d : L.perm) L.permuted_shape.push_back(x.shape()[d]);
  }
  if (L.r == 0) throw std::invalid_argument("reduction over an empty dimension of " + shape_str(x.shape()));
  return L;
}

Tensor permuted_view(const Tensor& x, const Dims& perm) {
  Shape s, st;
  for (int64_t d : perm) s.push_back(x.shape()[d]), st.push_back(x.strides()[d]);
  return x.as_strided(s, st, x.offset());
}

Tensor reduce(ReduceOp op, const Tensor& x0, const Dims& dims, bool keepdim, kernels::ReduceParams p) {
  const char* name = kernels::reduce_name(op);
  autograd::check_compute(x0, name);
  Layout L = plan(x0, dims, keepdim);
  if (op == ReduceOp::var && L.r - p.correction <= 0)
    throw std::invalid_argument("var: " + std::to_string(L.r) + " values leave no degrees of freedom with correction " +
                                std::to_string(p.correction));
  Tensor x = (L.perm.empty() ? x0 : permuted_view(x0, L.perm)).contiguous();
  Tensor y = Tensor::empty(L.out_shape, x.dtype());
  if (autograd::is_double(x))
    kernels::ref::reduce_forward(op, x.data<double>(), y.data<double>(), L.outer, L.r, L.inner, p);
  else
    kernels::reduce_op(op).cpu().forward(x.data<float>(), y.data<float>(), L.outer, L.r, L.inner, p);
  if (autograd::any_requires_grad({x0})) {
    Tensor sx = autograd::saved(x), sy = autograd::saved(y);
    // Backward contract: gx = d(sum(g * y))/dx, assigned by the op's backward kernel in the reduction
    // layout, then permuted back to x's dim order.
    autograd::record(name, {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty(sx.shape(), sx.dtype());
      if (autograd::is_double(sx))
        kernels::ref::reduce_backward(op, sx.data<double>(), sy.data<double>(), gy.data<double>(), gx.data<double>(),
                                      L.outer, L.r, L.inner, p);
      else
        kernels::reduce_op(op).cpu().backward(sx.data<float>(), sy.data<float>(), gy.data<float>(), gx.data<float>(),
                                              L.outer, L.r, L.inner, p);
      if (L.perm.empty()) return std::vector<Tensor>{gx};
      Dims inverse(L.perm.size());
      for (size_t i = 0; i < L.perm.size(); ++i) inverse[L.perm[i]] = static_cast<int64_t>(i);
      return std::vector<Tensor>{permuted_view(gx, inverse).contiguous()};
    });
  }
  return y;
}

}  // namespace

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) { return reduce(ReduceOp::sum, x, dims, keepdim, {}); }
Tensor mean(const Tensor& x, const Dims& dims, bool keepdim) { return reduce(ReduceOp::mean, x, dims, keepdim, {}); }
Tensor max(const Tensor& x, const Dims& dims, bool keepdim) { return reduce(ReduceOp::max, x, dims, keepdim, {}); }
Tensor min(const Tensor& x, const Dims& dims, bool keepdim) { return reduce(ReduceOp::min, x, dims, keepdim, {}); }
Tensor var(const Tensor& x, const Dims& dims, int64_t correction, bool keepdim) {
  return reduce(ReduceOp::var, x, dims, keepdim, {correction});
}

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  const int64_t lead = g.dim() - static_cast<int64_t>(shape.size());
  if (lead < 0) throw std::invalid_argument("sum_to: " + shape_str(g.shape()) + " cannot sum to " + shape_str(shape));
  Dims dims;
  for (int64_t d = 0; d < g.dim(); ++d)
    if (d < lead || (shape[d - lead] == 1 && g.shape()[d] != 1)) dims.push_back(d);
  Tensor s = dims.empty() ? g : sum(g, dims, true);
  return reshape(s, shape);
}

}  // namespace thorax
