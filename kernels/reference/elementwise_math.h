// The scalar math of every elementwise function and its derivative: the single definition shared by
// the reference loops and the CPU kernels (which differ in how they loop, not in what they compute).
#pragma once
#include <cmath>

#include "kernels/elementwise.h"

namespace thorax::kernels {

template <class T> inline T sigmoid_of(T x) { return T(1) / (T(1) + std::exp(-x)); }

template <UnaryOp OP, class T> inline T unary_value(T x, UnaryParams p) {
  if constexpr (OP == UnaryOp::exp) return std::exp(x);
  else if constexpr (OP == UnaryOp::log) return std::log(x);
  else if constexpr (OP == UnaryOp::sqrt) return std::sqrt(x);
  else if constexpr (OP == UnaryOp::rsqrt) return T(1) / std::sqrt(x);
  else if constexpr (OP == UnaryOp::abs) return std::abs(x);
  else if constexpr (OP == UnaryOp::neg) return -x;
  else if constexpr (OP == UnaryOp::clamp) return x < T(p.a) ? T(p.a) : (x > T(p.b) ? T(p.b) : x);
  else if constexpr (OP == UnaryOp::relu) return x > T(0) ? x : T(0);
  else if constexpr (OP == UnaryOp::relu6) return x < T(0) ? T(0) : (x > T(6) ? T(6) : x);
  else if constexpr (OP == UnaryOp::leaky_relu) return x > T(0) ? x : T(p.a) * x;
  else if constexpr (OP == UnaryOp::sigmoid) return sigmoid_of(x);
  else if constexpr (OP == UnaryOp::tanh) return std::tanh(x);
  else if constexpr (OP == UnaryOp::silu) return x * sigmoid_of(x);
  else if constexpr (OP == UnaryOp::gelu) return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440)));
  else if constexpr (OP == UnaryOp::hardswish) {
    T r = x + T(3);
    r = r < T(0) ? T(0) : (r > T(6) ? T(6) : r);
    return x * r / T(6);
  } else if constexpr (OP == UnaryOp::pow_scalar) return std::pow(x, T(p.a));
}

// dy/dx at x, given y = f(x). At kinks the convention matches PyTorch's (relu'(0) = 0, clamp passes
// the gradient at its bounds, relu6 does not).
template <UnaryOp OP, class T> inline T unary_derivative(T x, T y, UnaryParams p) {
  if constexpr (OP == UnaryOp::exp) return y;
  else if constexpr (OP == UnaryOp::log) return T(1) / x;
  else if constexpr (OP == UnaryOp::sqrt) return T(0.5) / y;
  else if constexpr (OP == UnaryOp::rsqrt) return T(-0.5) * y * y * y;
  else if constexpr (OP == UnaryOp::abs) return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
  else if constexpr (OP == UnaryOp::neg) return T(-1);
  else if constexpr (OP == UnaryOp::clamp) return (x >= T(p.a) && x <= T(p.b)) ? T(1) : T(0);
  else if constexpr (OP == UnaryOp::relu) return x > T(0) ? T(1) : T(0);
  else if constexpr (OP == UnaryOp::relu6) return (x > T(0) && x < T(6)) ? T(1) : T(0);
  else if constexpr (OP == UnaryOp::leaky_relu) return x > T(0) ? T(1) : T(p.a);
  else if constexpr (OP == UnaryOp::sigmoid) return y * (T(1) - y);
  else if constexpr (OP == UnaryOp::tanh) return T(1) - y * y;
  else if constexpr (OP == UnaryOp::silu) {
    T s = sigmoid_of(x);
    return s * (T(1) + x * (T(1) - s));
  } else if constexpr (OP == UnaryOp::gelu) {
    T cdf = T(0.5) * (T(1) + std::erf(x * T(0.70710678118654752440)));
    T pdf = std::exp(T(-0.5) * x * x) * T(0.39894228040143267794);
    return cdf + x * pdf;
  } else if constexpr (OP == UnaryOp::hardswish) {
    if (x < T(-3)) return T(0);
    if (x <= T(3)) return x / T(3) + T(0.5);
    return T(1);
  } else if constexpr (OP == UnaryOp::pow_scalar) return T(p.a) * std::pow(x, T(p.a) - T(1));
}

template <BinaryOp OP, class T> inline T binary_value(T a, T b) {
  if constexpr (OP == BinaryOp::add) return a + b;
  else if constexpr (OP == BinaryOp::sub) return a - b;
  else if constexpr (OP == BinaryOp::mul) return a * b;
  else if constexpr (OP == BinaryOp::div) return a / b;
  else if constexpr (OP == BinaryOp::pow) return std::pow(a, b);
}

// Calls f.template operator()<OP>() with OP the compile-time value of the run-time `op`.
template <class F> inline void visit_unary(UnaryOp op, F&& f) {
  switch (op) {
#define THORAX_UNARY_CASE(name) \
  case UnaryOp::name: f.template operator()<UnaryOp::name>(); break;
    THORAX_UNARY_CASE(exp) THORAX_UNARY_CASE(log) THORAX_UNARY_CASE(sqrt) THORAX_UNARY_CASE(rsqrt)
    THORAX_UNARY_CASE(abs) THORAX_UNARY_CASE(neg) THORAX_UNARY_CASE(clamp) THORAX_UNARY_CASE(relu)
    THORAX_UNARY_CASE(relu6) THORAX_UNARY_CASE(leaky_relu) THORAX_UNARY_CASE(sigmoid) THORAX_UNARY_CASE(tanh)
    THORAX_UNARY_CASE(silu) THORAX_UNARY_CASE(gelu) THORAX_UNARY_CASE(hardswish) THORAX_UNARY_CASE(pow_scalar)
#undef THORAX_UNARY_CASE
  }
}
template <class F> inline void visit_binary(BinaryOp op, F&& f) {
  switch (op) {
    case BinaryOp::add: f.template operator()<BinaryOp::add>(); break;
    case BinaryOp::sub: f.template operator()<BinaryOp::sub>(); break;
    case BinaryOp::mul: f.template operator()<BinaryOp::mul>(); break;
    case BinaryOp::div: f.template operator()<BinaryOp::div>(); break;
    case BinaryOp::pow: f.template operator()<BinaryOp::pow>(); break;
  }
}

}  // namespace thorax::kernels
