#include "autograd/softmax.h"

#include <algorithm>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "kernels/reference/softmax.h"
#include "kernels/softmax.h"

namespace thorax {

using kernels::SoftmaxOp;

static Tensor softmax_along(SoftmaxOp op, const Tensor& x0, int64_t dim) {
  const char* name = kernels::softmax_name(op);
  autograd::check_compute(x0, name);
  const int64_t nd = std::max<int64_t>(x0.dim(), 1);  // a 0-d tensor is one line of one value, as in torch
  const int64_t d = wrap_dim(dim, nd);
  // Softmax over `d` of a dense tensor is the kernels' (outer, r, inner) layout without a copy.
  int64_t outer = 1, r = x0.dim() ? x0.shape()[d] : 1, inner = 1;
  for (int64_t i = 0; i < d; ++i) outer *= x0.shape()[i];
  for (int64_t i = d + 1; i < x0.dim(); ++i) inner *= x0.shape()[i];
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  if (x.numel() > 0) {
    if (autograd::is_double(x))
      kernels::ref::softmax_forward(op, x.data<double>(), y.data<double>(), outer, r, inner);
    else
      kernels::softmax_op(op).cpu().forward(x.data<float>(), y.data<float>(), outer, r, inner);
  }
  if (autograd::any_requires_grad({x0})) {
    Tensor sy = autograd::saved(y);
    // Backward contract: gx = d(sum(g * y))/dx from y alone, assigned by the op's backward kernel.
    autograd::record(name, {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty(sy.shape(), sy.dtype());
      if (sy.numel() == 0) return std::vector<Tensor>{gx};
      if (autograd::is_double(sy))
        kernels::ref::softmax_backward(op, sy.data<double>(), gy.data<double>(), gx.data<double>(), outer, r, inner);
      else
        kernels::softmax_op(op).cpu().backward(sy.data<float>(), gy.data<float>(), gx.data<float>(), outer, r, inner);
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

Tensor softmax(const Tensor& x, int64_t dim) { return softmax_along(SoftmaxOp::softmax, x, dim); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_along(SoftmaxOp::log_softmax, x, dim); }

}  // namespace thorax
