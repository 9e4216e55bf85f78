#include "autograd/elementwise.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "kernels/elementwise.h"
#include "kernels/reference/elementwise.h"

namespace thorax {

using kernels::BinaryOp;
using kernels::UnaryOp;
using kernels::UnaryParams;

// ---------------------------------------------------------------- binary
template <class T>
static kernels::BinaryArgs<T> binary_args(const Tensor& a, const Tensor& b, const Tensor& out) {
  kernels::BinaryArgs<T> g;
  const Shape& s = out.shape();
  if (s.size() > static_cast<size_t>(kernels::kMaxDims))
    throw std::invalid_argument("elementwise ops support at most 8 dims, got " + shape_str(s));
  g.ndim = static_cast<int>(s.size());
  for (int d = 0; d < g.ndim; ++d) {
    g.shape[d] = s[d];
    // Align trailing dims; a missing or size-1 dim is a broadcast (stride 0).
    auto stride_of = [&](const Tensor& t) -> int64_t {
      int64_t k = d - (g.ndim - t.dim());
      return (k < 0 || t.shape()[k] == 1) ? 0 : t.strides()[k];
    };
    g.a_strides[d] = stride_of(a);
    g.b_strides[d] = stride_of(b);
  }
  g.a = a.data<T>();
  g.b = b.data<T>();
  g.out = out.data<T>();
  return g;
}

static Tensor binary_forward(BinaryOp op, const Tensor& a, const Tensor& b) {
  autograd::check_compute(a, b, kernels::binary_name(op));
  Tensor out = Tensor::empty(broadcast_shapes(a.shape(), b.shape()), a.dtype());
  if (autograd::is_double(out)) kernels::ref::binary(op, binary_args<double>(a, b, out));
  else kernels::binary_op(op).cpu()(binary_args<float>(a, b, out));
  return out;
}

// Records a binary op whose backward is given as a function of (grad, a, b, out).
template <class F>
static Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, F grads) {
  Tensor out = binary_forward(op, a, b);
  if (autograd::any_requires_grad({a, b})) {
    Tensor sa = autograd::saved(a), sb = autograd::saved(b), so = autograd::saved(out);
    bool need_a = a.requires_grad(), need_b = b.requires_grad();
    autograd::record(kernels::binary_name(op), {a, b}, {out}, [=](const std::vector<Tensor>& g) {
      auto [ga, gb] = grads(g[0], sa, sb, so, need_a, need_b);
      return std::vector<Tensor>{ga.defined() ? sum_to(ga, sa.shape()) : ga, gb.defined() ? sum_to(gb, sb.shape()) : gb};
    });
  }
  return out;
}

using Pair = std::pair<Tensor, Tensor>;

// Backward contracts: for f = sum(g * op(a, b)), returns (df/da, df/db) before summing to each shape.
Tensor add(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::add, a, b, [](const Tensor& g, auto&, auto&, auto&, bool, bool) { return Pair{g, g}; });
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::sub, a, b, [](const Tensor& g, auto&, auto&, auto&, bool, bool nb) {
    return Pair{g, nb ? neg(g) : Tensor()};
  });
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::mul, a, b, [](const Tensor& g, const Tensor& a, const Tensor& b, auto&, bool na, bool nb) {
    return Pair{na ? mul(g, b) : Tensor(), nb ? mul(g, a) : Tensor()};
  });
}
Tensor div(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::div, a, b, [](const Tensor& g, auto&, const Tensor& b, const Tensor& out, bool na, bool nb) {
    // d(a/b)/db = -a/b² = -out/b
    return Pair{na ? div(g, b) : Tensor(), nb ? neg(div(mul(g, out), b)) : Tensor()};
  });
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::pow, a, b,
                [](const Tensor& g, const Tensor& a, const Tensor& b, const Tensor& out, bool na, bool nb) {
                  Tensor ga, gb;
                  if (na) ga = mul(g, mul(b, pow(a, sub(b, Tensor::scalar(1.0, b.dtype())))));
                  if (nb) gb = mul(g, mul(out, log(a)));
                  return Pair{ga, gb};
                });
}

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator+(const Tensor& a, double s) { return add(a, Tensor::scalar(s, a.dtype())); }
Tensor operator-(const Tensor& a, double s) { return sub(a, Tensor::scalar(s, a.dtype())); }
Tensor operator*(const Tensor& a, double s) { return mul(a, Tensor::scalar(s, a.dtype())); }
Tensor operator/(const Tensor& a, double s) { return div(a, Tensor::scalar(s, a.dtype())); }
Tensor operator*(double s, const Tensor& a) { return mul(Tensor::scalar(s, a.dtype()), a); }
Tensor operator-(const Tensor& a) { return neg(a); }

// ---------------------------------------------------------------- unary
static Tensor unary(UnaryOp op, const Tensor& x0, UnaryParams p = {}) {
  autograd::check_compute(x0, kernels::unary_name(op));
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  const int64_t n = x.numel();
  if (autograd::is_double(x)) kernels::ref::unary_forward(op, x.data<double>(), y.data<double>(), n, p);
  else kernels::unary_op(op).cpu().forward(x.data<float>(), y.data<float>(), n, p);
  if (autograd::any_requires_grad({x0})) {
    Tensor sx = autograd::saved(x), sy = autograd::saved(y);
    // Backward contract: gx = g * f'(x), computed by the op's fused backward kernel.
    autograd::record(kernels::unary_name(op), {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty(sx.shape(), sx.dtype());
      if (autograd::is_double(sx))
        kernels::ref::unary_backward(op, sx.data<double>(), sy.data<double>(), gy.data<double>(), gx.data<double>(), n, p);
      else
        kernels::unary_op(op).cpu().backward(sx.data<float>(), sy.data<float>(), gy.data<float>(), gx.data<float>(), n, p);
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

Tensor exp(const Tensor& x) { return unary(UnaryOp::exp, x); }
Tensor log(const Tensor& x) { return unary(UnaryOp::log, x); }
Tensor sqrt(const Tensor& x) { return unary(UnaryOp::sqrt, x); }
Tensor rsqrt(const Tensor& x) { return unary(UnaryOp::rsqrt, x); }
Tensor abs(const Tensor& x) { return unary(UnaryOp::abs, x); }
Tensor neg(const Tensor& x) { return unary(UnaryOp::neg, x); }
Tensor clamp(const Tensor& x, double lo, double hi) {
  if (lo > hi) throw std::invalid_argument("clamp: lower bound above upper bound");
  return unary(UnaryOp::clamp, x, {lo, hi});
}
Tensor pow(const Tensor& x, double exponent) { return unary(UnaryOp::pow_scalar, x, {exponent, 0}); }
Tensor relu(const Tensor& x) { return unary(UnaryOp::relu, x); }
Tensor relu6(const Tensor& x) { return unary(UnaryOp::relu6, x); }
Tensor leaky_relu(const Tensor& x, double slope) { return unary(UnaryOp::leaky_relu, x, {slope, 0}); }
Tensor sigmoid(const Tensor& x) { return unary(UnaryOp::sigmoid, x); }
Tensor tanh(const Tensor& x) { return unary(UnaryOp::tanh, x); }
Tensor silu(const Tensor& x) { return unary(UnaryOp::silu, x); }
Tensor gelu(const Tensor& x) { return unary(UnaryOp::gelu, x); }
Tensor hardswish(const Tensor& x) { return unary(UnaryOp::hardswish, x); }

}  // namespace thorax
