#include "autograd/dropout.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "kernels/dropout.h"
#include "kernels/reference/dropout.h"

namespace thorax {

namespace {

void check_p(double p, const char* op) {
  if (!(p >= 0.0 && p <= 1.0))
    throw std::invalid_argument(std::string(op) + ": p is the probability of dropping an element and must be in "
                                "[0, 1], got " + std::to_string(p));
}

// out = v * mask / (1 - p), dense, by the float64 reference or the default CPU version.
Tensor apply_mask(const Tensor& mask, const Tensor& v0, double p) {
  Tensor v = v0.contiguous();
  Tensor out = Tensor::empty(v.shape(), v.dtype());
  if (autograd::is_double(v))
    kernels::ref::dropout_apply<double>(mask.data<double>(), v.data<double>(), out.data<double>(), v.numel(), p);
  else
    kernels::dropout_op().cpu().apply(mask.data<float>(), v.data<float>(), out.data<float>(), v.numel(), p);
  return out;
}

// Records y = x * mask / (1 - p); `mask` is dense, of x's shape and dtype.
void record_dropout(const Tensor& x, const Tensor& y, const Tensor& mask, double p) {
  if (!autograd::any_requires_grad({x})) return;
  Tensor sm = autograd::saved(mask);
  // Backward contract: gx = g * mask / (1 - p), assigned.
  autograd::record("dropout", {x}, {y}, [=](const std::vector<Tensor>& g) {
    return std::vector<Tensor>{apply_mask(sm, g[0], p)};
  });
}

}  // namespace

Tensor dropout(const Tensor& x0, double p, bool training, Generator* gen) {
  check_p(p, "dropout");
  if (!training) return x0;
  autograd::check_compute(x0, "dropout");
  Generator& g = gen ? *gen : default_generator();
  const int64_t n = x0.numel();
  const kernels::DropoutParams dp{p, g.seed(), g.reserve(static_cast<uint64_t>(n))};
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty(x.shape(), x.dtype()), mask = Tensor::empty(x.shape(), x.dtype());
  if (autograd::is_double(x))
    kernels::ref::dropout_forward<double>(x.data<double>(), y.data<double>(), mask.data<double>(), n, dp);
  else
    kernels::dropout_op().cpu().forward(x.data<float>(), y.data<float>(), mask.data<float>(), n, dp);
  record_dropout(x0, y, mask, p);
  return y;
}

Tensor dropout_with_mask(const Tensor& x, const Tensor& mask0, double p) {
  check_p(p, "dropout_with_mask");
  autograd::check_compute(x, mask0, "dropout_with_mask");
  if (mask0.shape() != x.shape())
    throw std::invalid_argument("dropout_with_mask: the mask has shape " + shape_str(mask0.shape()) +
                                " but the input has " + shape_str(x.shape()) + "; they must match");
  Tensor mask = mask0.contiguous().detach();
  Tensor y = apply_mask(mask, x, p);
  record_dropout(x, y, mask, p);
  return y;
}

}  // namespace thorax
