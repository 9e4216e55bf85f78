// Reference reductions: one output at a time, accumulated in double.
#pragma once
#include <cmath>

#include "kernels/reduce.h"

namespace thorax::kernels::ref {

template <ReduceOp OP, class T> T reduce_one(const T* x, int64_t r, int64_t inner, ReduceParams p) {
  if constexpr (OP == ReduceOp::max || OP == ReduceOp::min) {
    T best = x[0];
    for (int64_t k = 1; k < r; ++k) {
      T v = x[k * inner];
      if (OP == ReduceOp::max ? v > best : v < best) best = v;
    }
    return best;
  } else {
    double s = 0;
    for (int64_t k = 0; k < r; ++k) s += static_cast<double>(x[k * inner]);
    if constexpr (OP == ReduceOp::sum) return static_cast<T>(s);
    double mean = s / static_cast<double>(r);
    if constexpr (OP == ReduceOp::mean) return static_cast<T>(mean);
    double ss = 0;
    for (int64_t k = 0; k < r; ++k) {
      double d = static_cast<double>(x[k * inner]) - mean;
      ss += d * d;
    }
    return static_cast<T>(ss / static_cast<double>(r - p.correction));
  }
}

template <ReduceOp OP, class T>
void reduce_forward(const T* x, T* y, int64_t outer, int64_t r, int64_t inner, ReduceParams p) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) y[o * inner + i] = reduce_one<OP>(x + o * r * inner + i, r, inner, p);
}

template <ReduceOp OP, class T>
void reduce_backward(const T* x, const T* y, const T* gy, T* gx, int64_t outer, int64_t r, int64_t inner,
                     ReduceParams p) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T* xs = x + o * r * inner + i;
      T* gs = gx + o * r * inner + i;
      const T g = gy[o * inner + i], yv = y[o * inner + i];
      if constexpr (OP == ReduceOp::sum || OP == ReduceOp::mean) {
        T v = OP == ReduceOp::sum ? g : g / static_cast<T>(r);
        for (int64_t k = 0; k < r; ++k) gs[k * inner] = v;
      } else if constexpr (OP == ReduceOp::max || OP == ReduceOp::min) {
        int64_t ties = 0;
        for (int64_t k = 0; k < r; ++k) ties += xs[k * inner] == yv;
        for (int64_t k = 0; k < r; ++k) gs[k * inner] = xs[k * inner] == yv ? g / static_cast<T>(ties) : T(0);
      } else {  // var
        double mean = 0;
        for (int64_t k = 0; k < r; ++k) mean += static_cast<double>(xs[k * inner]);
        mean /= static_cast<double>(r);
        double scale = 2.0 * static_cast<double>(g) / static_cast<double>(r - p.correction);
        for (int64_t k = 0; k < r; ++k) gs[k * inner] = static_cast<T>(scale * (static_cast<double>(xs[k * inner]) - mean));
      }
    }
}

template <class T> void reduce_forward(ReduceOp op, const T* x, T* y, int64_t outer, int64_t r, int64_t inner, ReduceParams p);
template <class T>
void reduce_backward(ReduceOp op, const T* x, const T* y, const T* gy, T* gx, int64_t outer, int64_t r, int64_t inner,
                     ReduceParams p);

template <class F> inline void visit_reduce(ReduceOp op, F&& f) {
  switch (op) {
    case ReduceOp::sum: f.template operator()<ReduceOp::sum>(); break;
    case ReduceOp::mean: f.template operator()<ReduceOp::mean>(); break;
    case ReduceOp::max: f.template operator()<ReduceOp::max>(); break;
    case ReduceOp::min: f.template operator()<ReduceOp::min>(); break;
    case ReduceOp::var: f.template operator()<ReduceOp::var>(); break;
  }
}

template <class T> void reduce_forward(ReduceOp op, const T* x, T* y, int64_t outer, int64_t r, int64_t inner, ReduceParams p) {
  visit_reduce(op, [&]<ReduceOp OP>() { reduce_forward<OP>(x, y, outer, r, inner, p); });
}
template <class T>
void reduce_backward(ReduceOp op, const T* x, const T* y, const T* gy, T* gx, int64_t outer, int64_t r, int64_t inner,
                     ReduceParams p) {
  visit_reduce(op, [&]<ReduceOp OP>() { reduce_backward<OP>(x, y, gy, gx, outer, r, inner, p); });
}

}  // namespace thorax::kernels::ref
