// Reference softmax and log-softmax: one line at a time, max-subtracted, accumulated in double.
#pragma once
#include <cmath>

#include "kernels/softmax.h"

namespace thorax::kernels::ref {

template <SoftmaxOp OP, class T> void softmax_forward(const T* x, T* y, int64_t outer, int64_t r, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T* xs = x + o * r * inner + i;
      T* ys = y + o * r * inner + i;
      double mx = static_cast<double>(xs[0]);
      for (int64_t k = 1; k < r; ++k) mx = std::max(mx, static_cast<double>(xs[k * inner]));
      double sum = 0;
      for (int64_t k = 0; k < r; ++k) sum += std::exp(static_cast<double>(xs[k * inner]) - mx);
      for (int64_t k = 0; k < r; ++k) {
        double z = static_cast<double>(xs[k * inner]) - mx;
        ys[k * inner] = static_cast<T>(OP == SoftmaxOp::softmax ? std::exp(z) / sum : z - std::log(sum));
      }
    }
}

template <SoftmaxOp OP, class T>
void softmax_backward(const T* y, const T* gy, T* gx, int64_t outer, int64_t r, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * r * inner + i;
      double s = 0;  // softmax: sum(gy * y); log_softmax: sum(gy)
      for (int64_t k = 0; k < r; ++k) {
        double g = static_cast<double>(gy[base + k * inner]);
        s += OP == SoftmaxOp::softmax ? g * static_cast<double>(y[base + k * inner]) : g;
      }
      for (int64_t k = 0; k < r; ++k) {
        double g = static_cast<double>(gy[base + k * inner]), yv = static_cast<double>(y[base + k * inner]);
        gx[base + k * inner] = static_cast<T>(OP == SoftmaxOp::softmax ? yv * (g - s) : g - std::exp(yv) * s);
      }
    }
}

template <class F> inline void visit_softmax(SoftmaxOp op, F&& f) {
  switch (op) {
    case SoftmaxOp::softmax: f.template operator()<SoftmaxOp::softmax>(); break;
    case SoftmaxOp::log_softmax: f.template operator()<SoftmaxOp::log_softmax>(); break;
  }
}

template <class T> void softmax_forward(SoftmaxOp op, const T* x, T* y, int64_t outer, int64_t r, int64_t inner) {
  visit_softmax(op, [&]<SoftmaxOp OP>() { softmax_forward<OP>(x, y, outer, r, inner); });
}
template <class T>
void softmax_backward(SoftmaxOp op, const T* y, const T* gy, T* gx, int64_t outer, int64_t r, int64_t inner) {
  visit_softmax(op, [&]<SoftmaxOp OP>() { softmax_backward<OP>(y, gy, gx, outer, r, inner); });
}

}  // namespace thorax::kernels::ref
