#include "autograd/normalization.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "autograd/sync_batch_norm.h"
#include "kernels/batch_norm.h"
#include "kernels/layer_norm.h"
#include "kernels/reference/batch_norm.h"
#include "kernels/reference/layer_norm.h"

namespace thorax {

namespace {

template <class T> T* ptr(const Tensor& t) { return t.defined() ? t.data<T>() : nullptr; }

// An optional per-channel or per-column tensor: undefined, or exactly `shape` in x's dtype.
void check_param(const Tensor& t, const Shape& shape, const Tensor& x, const char* op, const char* name,
                 const std::string& expected) {
  if (!t.defined()) return;
  autograd::check_compute(x, t, op);
  if (t.shape() != shape)
    throw std::invalid_argument(std::string(op) + ": " + name + " has shape " + shape_str(t.shape()) + " but " +
                                expected);
}

}  // namespace

Tensor batch_norm(const Tensor& x0, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
                  bool training, double momentum, double eps) {
  autograd::check_compute(x0, "batch_norm");
  if (x0.dim() < 2)
    throw std::invalid_argument("batch_norm: needs an input of shape (N, C, ...), got " + shape_str(x0.shape()));
  kernels::BatchNormDims d{x0.shape()[0], x0.shape()[1], 1};
  for (int64_t i = 2; i < x0.dim(); ++i) d.S *= x0.shape()[i];
  const std::string channels = "the input " + shape_str(x0.shape()) + " has " + std::to_string(d.C) + " channels";
  auto check_stat = [&](const Tensor& t, const char* name) {
    if (!t.defined()) return;
    autograd::check_compute(x0, t, "batch_norm");
    if (t.dim() != 1 || t.numel() != d.C)
      throw std::invalid_argument(std::string("batch_norm: ") + name + " has " +
                                  (t.dim() == 1 ? std::to_string(t.numel()) + " elements" : "shape " + shape_str(t.shape())) +
                                  " but " + channels);
  };
  check_stat(running_mean, "running_mean");
  check_stat(running_var, "running_var");
  check_stat(weight, "weight");
  check_stat(bias, "bias");
  if (running_mean.defined() != running_var.defined())
    throw std::invalid_argument("batch_norm: give both running_mean and running_var, or neither");
  if (!training && !running_mean.defined())
    throw std::invalid_argument("batch_norm: eval mode normalizes with running_mean and running_var, which were not "
                                "given (pass them, or training=true to use batch statistics)");
  if (training && d.N * d.S < 2)
    throw std::invalid_argument("batch_norm: training needs more than one value per channel, got input of shape " +
                                shape_str(x0.shape()) + " (use a batch of 2 or more, or eval mode)");

  if (training && autograd::batch_norm_reducer())
    return autograd::sync_batch_norm(x0, running_mean, running_var, weight, bias, momentum, eps);

  Tensor x = x0.contiguous();
  Tensor w = weight.defined() ? weight.contiguous() : weight, b = bias.defined() ? bias.contiguous() : bias;
  // The kernel updates running statistics through a pointer; a strided one goes through a dense copy.
  Tensor rm = running_mean.defined() ? running_mean.contiguous() : running_mean;
  Tensor rv = running_var.defined() ? running_var.contiguous() : running_var;
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  Tensor save_mean = Tensor::empty({d.C}, x.dtype()), save_invstd = Tensor::empty({d.C}, x.dtype());
  const kernels::BatchNormParams p{training, momentum, eps};
  if (autograd::is_double(x))
    kernels::ref::batch_norm_forward<double>(x.data<double>(), ptr<double>(w), ptr<double>(b), y.data<double>(),
                                             save_mean.data<double>(), save_invstd.data<double>(), ptr<double>(rm),
                                             ptr<double>(rv), d, p);
  else
    kernels::batch_norm_op().cpu().forward(x.data<float>(), ptr<float>(w), ptr<float>(b), y.data<float>(),
                                           save_mean.data<float>(), save_invstd.data<float>(), ptr<float>(rm),
                                           ptr<float>(rv), d, p);
  if (training && rm.defined() && !rm.same(running_mean)) running_mean.copy_from(rm);
  if (training && rv.defined() && !rv.same(running_var)) running_var.copy_from(rv);

  if (autograd::any_requires_grad({x0, weight, bias})) {
    Tensor sx = autograd::saved(x), sw = autograd::saved(w), sm = autograd::saved(save_mean),
           si = autograd::saved(save_invstd);
    const bool need_x = x0.requires_grad(), need_w = weight.requires_grad(), need_b = bias.requires_grad();
    const Shape w_shape = weight.defined() ? weight.shape() : Shape{}, b_shape = bias.defined() ? bias.shape() : Shape{};
    // Backward contract: for f = sum(g * y), (df/dx, df/dweight, df/dbias), assigned by the fused kernel.
    autograd::record("batch_norm", {x0, weight, bias}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = need_x ? Tensor::empty(sx.shape(), sx.dtype()) : Tensor();
      Tensor gw = need_w ? Tensor::empty(w_shape, sx.dtype()) : Tensor();
      Tensor gb = need_b ? Tensor::empty(b_shape, sx.dtype()) : Tensor();
      if (autograd::is_double(sx))
        kernels::ref::batch_norm_backward<double>(sx.data<double>(), gy.data<double>(), ptr<double>(sw),
                                                  sm.data<double>(), si.data<double>(), ptr<double>(gx),
                                                  ptr<double>(gw), ptr<double>(gb), d, p);
      else
        kernels::batch_norm_op().cpu().backward(sx.data<float>(), gy.data<float>(), ptr<float>(sw), sm.data<float>(),
                                                si.data<float>(), ptr<float>(gx), ptr<float>(gw), ptr<float>(gb), d, p);
      return std::vector<Tensor>{gx, gw, gb};
    });
  }
  return y;
}

Tensor layer_norm(const Tensor& x0, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  autograd::check_compute(x0, "layer_norm");
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  if (k == 0) throw std::invalid_argument("layer_norm: normalized_shape is empty; give the trailing dims to normalize");
  bool match = k <= x0.dim();
  for (int64_t i = 0; match && i < k; ++i) match = x0.shape()[x0.dim() - k + i] == normalized_shape[i];
  if (!match)
    throw std::invalid_argument("layer_norm: normalized_shape " + shape_str(normalized_shape) +
                                " does not match the trailing dims of the input " + shape_str(x0.shape()));
  const std::string expected = "normalized_shape is " + shape_str(normalized_shape);
  check_param(weight, normalized_shape, x0, "layer_norm", "weight", expected);
  check_param(bias, normalized_shape, x0, "layer_norm", "bias", expected);
  const int64_t D = numel(normalized_shape);
  int64_t M = 1;
  for (int64_t i = 0; i < x0.dim() - k; ++i) M *= x0.shape()[i];

  Tensor x = x0.contiguous();
  Tensor w = weight.defined() ? weight.contiguous() : weight, b = bias.defined() ? bias.contiguous() : bias;
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  Tensor save_mean = Tensor::empty({M}, x.dtype()), save_invstd = Tensor::empty({M}, x.dtype());
  if (autograd::is_double(x))
    kernels::ref::layer_norm_forward<double>(x.data<double>(), ptr<double>(w), ptr<double>(b), y.data<double>(),
                                             save_mean.data<double>(), save_invstd.data<double>(), M, D, eps);
  else
    kernels::layer_norm_op().cpu().forward(x.data<float>(), ptr<float>(w), ptr<float>(b), y.data<float>(),
                                           save_mean.data<float>(), save_invstd.data<float>(), M, D, eps);

  if (autograd::any_requires_grad({x0, weight, bias})) {
    Tensor sx = autograd::saved(x), sw = autograd::saved(w), sm = autograd::saved(save_mean),
           si = autograd::saved(save_invstd);
    const bool need_x = x0.requires_grad(), need_w = weight.requires_grad(), need_b = bias.requires_grad();
    // Backward contract: for f = sum(g * y), (df/dx, df/dweight, df/dbias), assigned by the fused kernel.
    autograd::record("layer_norm", {x0, weight, bias}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = need_x ? Tensor::empty(sx.shape(), sx.dtype()) : Tensor();
      Tensor gw = need_w ? Tensor::empty(normalized_shape, sx.dtype()) : Tensor();
      Tensor gb = need_b ? Tensor::empty(normalized_shape, sx.dtype()) : Tensor();
      if (autograd::is_double(sx))
        kernels::ref::layer_norm_backward<double>(sx.data<double>(), gy.data<double>(), ptr<double>(sw),
                                                  sm.data<double>(), si.data<double>(), ptr<double>(gx),
                                                  ptr<double>(gw), ptr<double>(gb), M, D);
      else
        kernels::layer_norm_op().cpu().backward(sx.data<float>(), gy.data<float>(), ptr<float>(sw), sm.data<float>(),
                                                si.data<float>(), ptr<float>(gx), ptr<float>(gw), ptr<float>(gb), M, D);
      return std::vector<Tensor>{gx, gw, gb};
    });
  }
  return y;
}

}  // namespace thorax
