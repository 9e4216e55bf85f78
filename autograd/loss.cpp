#include "autograd/loss.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/elementwise.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "autograd/view.h"
#include "kernels/loss.h"
#include "kernels/nt_xent.h"
#include "kernels/reference/loss.h"
#include "kernels/reference/nt_xent.h"

namespace thorax {

namespace {

// A dense tensor of `like`'s shape and dtype holding `t` broadcast (or undefined when t is).
Tensor dense_like(const Tensor& t, const Tensor& like, const char* what) {
  if (!t.defined()) return t;
  if (t.dtype() != like.dtype())
    throw std::invalid_argument(std::string(what) + " must have the logits' dtype (" + dtype_name(like.dtype()) + ")");
  return expand(t.detach(), like.shape()).contiguous();
}

Tensor reduce_by(const Tensor& per_element, Reduction r, double count) {
  if (r == Reduction::none) return per_element;
  Tensor s = sum(per_element);
  return r == Reduction::sum ? s : s / count;
}

// Number of counted elements under `mask` (all of them without one).
double counted(const Tensor& mask, int64_t total) {
  if (!mask.defined()) return static_cast<double>(total);
  double c = 0;
  for (double v : mask.to_vector()) c += v != 0.0;
  return c;
}

}  // namespace

Tensor bce_with_logits(const Tensor& logits0, const Tensor& target0, const BceOptions& opt) {
  autograd::check_compute(logits0, target0, "bce_with_logits");
  if (logits0.shape() != target0.shape())
    throw std::invalid_argument("bce_with_logits: logits " + shape_str(logits0.shape()) + " and targets " +
                                shape_str(target0.shape()) + " differ in shape");
  Tensor x = logits0.contiguous(), t = target0.detach().contiguous();
  const int64_t classes = x.dim() ? x.shape().back() : 1;
  Tensor pw = opt.pos_weight.defined() ? opt.pos_weight.detach().contiguous() : Tensor();
  if (pw.defined() && (pw.dim() != 1 || pw.shape()[0] != classes))
    throw std::invalid_argument("bce_with_logits: pos_weight needs " + std::to_string(classes) +
                                " values (one per class), got " + shape_str(pw.shape()));
  Tensor w = dense_like(opt.weight, x, "bce_with_logits: weight");
  Tensor m = dense_like(opt.mask, x, "bce_with_logits: mask");
  if (m.defined()) w = w.defined() ? mul(w, m) : m;  // an ignored element has weight 0
  Tensor loss = Tensor::empty(x.shape(), x.dtype());
  auto run = [&](auto tag, auto fwd) {
    using T = decltype(tag);
    kernels::BceArgs<T> a{x.data<T>(), t.data<T>(), pw.defined() ? pw.data<T>() : nullptr,
                          w.defined() ? w.data<T>() : nullptr, x.numel(), classes};
    fwd(a, loss.data<T>());
  };
  if (autograd::is_double(x)) run(double{}, kernels::ref::bce_forward<double>);
  else run(float{}, kernels::bce_with_logits_op().cpu().forward);
  if (autograd::any_requires_grad({logits0})) {
    Tensor sx = autograd::saved(x);
    // Backward contract: gx = g · dl/dx (the kernel's formula); targets and weights get none. Assigns.
    autograd::record("bce_with_logits", {logits0}, {loss}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty(sx.shape(), sx.dtype());
      auto back = [&](auto tag, auto fn) {
        using T = decltype(tag);
        kernels::BceArgs<T> a{sx.data<T>(), t.data<T>(), pw.defined() ? pw.data<T>() : nullptr,
                              w.defined() ? w.data<T>() : nullptr, sx.numel(), classes};
        fn(a, gy.data<T>(), gx.data<T>());
      };
      if (autograd::is_double(sx)) back(double{}, kernels::ref::bce_backward<double>);
      else back(float{}, kernels::bce_with_logits_op().cpu().backward);
      return std::vector<Tensor>{gx};
    });
  }
  return reduce_by(loss, opt.reduction, counted(m, x.numel()));
}

Tensor focal_loss(const Tensor& logits, const Tensor& target, const FocalOptions& opt) {
  BceOptions b;
  b.reduction = Reduction::none;
  Tensor t = target.detach();
  Tensor ce = bce_with_logits(logits, t, b);
  Tensor p = sigmoid(logits);
  Tensor one = Tensor::scalar(1.0, logits.dtype());
  Tensor p_t = add(mul(p, t), mul(sub(one, p), sub(one, t)));
  Tensor loss = mul(ce, pow(sub(one, p_t), opt.gamma));
  if (opt.alpha >= 0) loss = mul(loss, add(t * opt.alpha, sub(one, t) * (1.0 - opt.alpha)));
  Tensor m = dense_like(opt.mask, logits, "focal_loss: mask");
  if (m.defined()) loss = mul(loss, m);
  return reduce_by(loss, opt.reduction, counted(m, logits.numel()));
}

Tensor cross_entropy(const Tensor& logits0, const Tensor& target0, const CrossEntropyOptions& opt) {
  autograd::check_compute(logits0, "cross_entropy");
  if (logits0.dim() != 2) throw std::invalid_argument("cross_entropy: logits must be (N, C), got " + shape_str(logits0.shape()));
  const int64_t n = logits0.shape()[0], c = logits0.shape()[1];
  if (target0.dim() != 1 || target0.shape()[0] != n)
    throw std::invalid_argument("cross_entropy: targets must be (N) = (" + std::to_string(n) + "), got " +
                                shape_str(target0.shape()));
  if (opt.label_smoothing < 0 || opt.label_smoothing >= 1)
    throw std::invalid_argument("cross_entropy: label_smoothing must be in [0, 1)");
  Tensor x = logits0.contiguous(), y = target0.to(DType::i64).contiguous();
  const int64_t* yy = y.data<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    if (yy[i] != opt.ignore_index && (yy[i] < 0 || yy[i] >= c))
      throw std::invalid_argument("cross_entropy: target " + std::to_string(yy[i]) + " at row " + std::to_string(i) +
                                  " is not a class index in [0, " + std::to_string(c) + ")");
  Tensor cw = opt.class_weight.defined() ? opt.class_weight.detach().to(x.dtype()).contiguous() : Tensor();
  if (cw.defined() && (cw.dim() != 1 || cw.shape()[0] != c))
    throw std::invalid_argument("cross_entropy: class_weight needs " + std::to_string(c) + " values, got " +
                                shape_str(cw.shape()));
  Tensor loss = Tensor::empty({n}, x.dtype());
  const double eps = opt.label_smoothing;
  const int64_t ignore = opt.ignore_index;
  auto args = [=](auto tag, const Tensor& xs) {
    using T = decltype(tag);
    return kernels::CrossEntropyArgs<T>{xs.data<T>(), yy, cw.defined() ? cw.data<T>() : nullptr, eps, ignore, n, c};
  };
  if (autograd::is_double(x)) kernels::ref::cross_entropy_forward<double>(args(double{}, x), loss.data<double>());
  else kernels::cross_entropy_op().cpu().forward(args(float{}, x), loss.data<float>());
  if (autograd::any_requires_grad({logits0})) {
    Tensor sx = autograd::saved(x);
    // Backward contract: gx[i,k] = g[i] · dl_i/dx_ik (the kernel's formula). Assigns.
    autograd::record("cross_entropy", {logits0}, {loss}, [=](const std::vector<Tensor>& g) {
      (void)y;  // keeps the targets alive for yy
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty(sx.shape(), sx.dtype());
      if (autograd::is_double(sx))
        kernels::ref::cross_entropy_backward<double>(args(double{}, sx), gy.data<double>(), gx.data<double>());
      else
        kernels::cross_entropy_op().cpu().backward(args(float{}, sx), gy.data<float>(), gx.data<float>());
      return std::vector<Tensor>{gx};
    });
  }
  // PyTorch's weighted mean: divide by the total class weight of the counted targets.
  const std::vector<double> weights = cw.defined() ? cw.to_vector() : std::vector<double>(static_cast<size_t>(c), 1.0);
  double denom = 0;
  for (int64_t i = 0; i < n; ++i)
    if (yy[i] != ignore) denom += weights[static_cast<size_t>(yy[i])];
  return reduce_by(loss, opt.reduction, denom);
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target, Reduction reduction) {
  Tensor d = sub(prediction, target.detach());
  Tensor sq = mul(d, d);
  return reduce_by(sq, reduction, static_cast<double>(sq.numel()));
}

Tensor nt_xent(const Tensor& z0, double tau) {
  autograd::check_compute(z0, "nt_xent");
  if (z0.dim() != 2 || z0.shape()[0] < 2 || z0.shape()[0] % 2 != 0)
    throw std::invalid_argument("nt_xent: needs (2N, d) embeddings with N >= 1, got " + shape_str(z0.shape()));
  if (tau <= 0) throw std::invalid_argument("nt_xent: temperature must be positive");
  Tensor z = z0.contiguous();
  const int64_t n2 = z.shape()[0], d = z.shape()[1];
  const bool is_double = autograd::is_double(z);
  if (!autograd::any_requires_grad({z0}))
    return is_double ? Tensor::scalar(kernels::ref::nt_xent_forward<double>(z.data<double>(), n2, d, tau), DType::f64)
                     : Tensor::scalar(kernels::nt_xent_op().cpu().forward(z.data<float>(), n2, d, tau));
  // The gradient comes out of the same similarity GEMM as the loss, so it is computed now (for an
  // upstream gradient of 1) and only scaled by the backward.
  Tensor unit_gz = Tensor::empty(z.shape(), z.dtype());
  Tensor loss =
      is_double
          ? Tensor::scalar(kernels::ref::nt_xent_forward_backward<double>(z.data<double>(), n2, d, tau, 1.0,
                                                                          unit_gz.data<double>()),
                           DType::f64)
          : Tensor::scalar(kernels::nt_xent_op().cpu().forward_backward(z.data<float>(), n2, d, tau, 1.0f,
                                                                        unit_gz.data<float>()));
  // Backward contract: gz = g · d(loss)/dz, the saved unit gradient scaled by g. Assigns.
  autograd::record("nt_xent", {z0}, {loss}, [=](const std::vector<Tensor>& g) {
    Tensor gz = Tensor::empty(unit_gz.shape(), unit_gz.dtype());
    const double scale = g[0].item();
    if (is_double) {
      const double* u = unit_gz.data<double>();
      double* out = gz.data<double>();
      for (int64_t i = 0; i < n2 * d; ++i) out[i] = scale * u[i];
    } else {
      const float s = static_cast<float>(scale), *u = unit_gz.data<float>();
      float* out = gz.data<float>();
      for (int64_t i = 0; i < n2 * d; ++i) out[i] = s * u[i];
    }
    return std::vector<Tensor>{gz};
  });
  return loss;
}

}  // namespace thorax
