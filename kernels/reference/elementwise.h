// Reference elementwise kernels: the obvious loops. Never optimized; the oracle for every other version.
// Templates over float and double (double runs the gradient checks).
#pragma once
#include "kernels/reference/elementwise_math.h"

namespace thorax::kernels::ref {

template <UnaryOp OP, class T> void unary_forward(const T* x, T* y, int64_t n, UnaryParams p) {
  for (int64_t i = 0; i < n; ++i) y[i] = unary_value<OP>(x[i], p);
}

template <UnaryOp OP, class T>
void unary_backward(const T* x, const T* y, const T* gy, T* gx, int64_t n, UnaryParams p) {
  for (int64_t i = 0; i < n; ++i) gx[i] = gy[i] * unary_derivative<OP>(x[i], y[i], p);
}

template <BinaryOp OP, class T> void binary(const BinaryArgs<T>& g) {
  int64_t total = 1;
  for (int d = 0; d < g.ndim; ++d) total *= g.shape[d];
  for (int64_t i = 0; i < total; ++i) {
    // Decompose the row-major output index into coordinates, then into each input's offset.
    int64_t rem = i, oa = 0, ob = 0;
    for (int d = g.ndim - 1; d >= 0; --d) {
      int64_t c = rem % g.shape[d];
      rem /= g.shape[d];
      oa += c * g.a_strides[d];
      ob += c * g.b_strides[d];
    }
    g.out[i] = binary_value<OP>(g.a[oa], g.b[ob]);
  }
}

// Run-time dispatch, for callers holding the op as a value (the float64 path of autograd).
template <class T> void unary_forward(UnaryOp op, const T* x, T* y, int64_t n, UnaryParams p) {
  visit_unary(op, [&]<UnaryOp OP>() { unary_forward<OP>(x, y, n, p); });
}
template <class T>
void unary_backward(UnaryOp op, const T* x, const T* y, const T* gy, T* gx, int64_t n, UnaryParams p) {
  visit_unary(op, [&]<UnaryOp OP>() { unary_backward<OP>(x, y, gy, gx, n, p); });
}
template <class T> void binary(BinaryOp op, const BinaryArgs<T>& g) {
  visit_binary(op, [&]<BinaryOp OP>() { binary<OP>(g); });
}

}  // namespace thorax::kernels::ref
