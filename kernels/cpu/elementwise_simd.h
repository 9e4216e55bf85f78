// The loops of kernels/cpu/elementwise_vec.h over a vector type `V` (kernels/cpu/vec_<isa>.h). Included only by
// elementwise_<isa>.cpp, inside an unnamed namespace, after vec_<isa>.h and <algorithm> (no standard header may
// be included from here: it would land inside that namespace).
#pragma once
#include "kernels/cpu/activation_simd.h"

// Below this many elements, threads cost more than they save (as kernels/cpu/elementwise.cpp).
constexpr int64_t kVecParallelGrain = 1 << 15;

// out[i] = f(a[i], b[i], c[i]) for vectors of lanes, the tail under a lane mask; threads over 4096-float chunks.
template <class V, class F>
void map3(const float* a, const float* b, const float* c, float* out, int64_t n, F f) {
  constexpr int64_t kChunk = 4096;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (n > kVecParallelGrain)
  for (int64_t k = 0; k < chunks; ++k) {
    const int64_t end = std::min(n, (k + 1) * kChunk);
    for (int64_t i = k * kChunk; i < end; i += V::lanes) {
      const uint32_t m = end - i >= V::lanes ? V::all : (uint32_t(1) << (end - i)) - 1;
      const auto va = V::load_bits(a + i, m);
      const auto vb = b ? V::load_bits(b + i, m) : V::zero();
      const auto vc = c ? V::load_bits(c + i, m) : V::zero();
      V::store_bits(out + i, f(va, vb, vc), m);
    }
  }
}

template <class V> struct VecUnary {
  using T = typename V::type;
  // Forward: y = f(x).
  static void exp_forward(const float* x, float* y, int64_t n, UnaryParams) {
    map3<V>(x, nullptr, nullptr, y, n, [](T v, T, T) { return V::exp(v); });
  }
  static void sigmoid_forward(const float* x, float* y, int64_t n, UnaryParams) {
    map3<V>(x, nullptr, nullptr, y, n, [](T v, T, T) { return sigmoid<V>(v); });
  }
  static void tanh_forward(const float* x, float* y, int64_t n, UnaryParams) {
    map3<V>(x, nullptr, nullptr, y, n, [](T v, T, T) { return tanh_v<V>(v); });
  }
  static void silu_forward(const float* x, float* y, int64_t n, UnaryParams) {
    map3<V>(x, nullptr, nullptr, y, n, [](T v, T, T) { return V::mul(v, sigmoid<V>(v)); });
  }
  // Backward: gx = gy · f'(x), from the saved output where it gives the derivative.
  static void exp_backward(const float*, const float* y, const float* gy, float* gx, int64_t n, UnaryParams) {
    map3<V>(y, gy, nullptr, gx, n, [](T vy, T g, T) { return V::mul(g, vy); });
  }
  static void sigmoid_backward(const float*, const float* y, const float* gy, float* gx, int64_t n, UnaryParams) {
    map3<V>(y, gy, nullptr, gx, n, [](T vy, T g, T) { return V::mul(g, V::fnma(vy, vy, vy)); });  // y − y²
  }
  static void tanh_backward(const float*, const float* y, const float* gy, float* gx, int64_t n, UnaryParams) {
    map3<V>(y, gy, nullptr, gx, n, [](T vy, T g, T) { return V::mul(g, V::fnma(vy, vy, V::set1(1.0f))); });
  }
  // silu' = σ(x)·(1 + x·(1 − σ(x))): σ recomputed (the output alone does not give it).
  static void silu_backward(const float* x, const float*, const float* gy, float* gx, int64_t n, UnaryParams) {
    map3<V>(x, gy, nullptr, gx, n, [](T v, T g, T) {
      const T s = sigmoid<V>(v), one = V::set1(1.0f);
      return V::mul(g, V::mul(s, V::fma(v, V::sub(one, s), one)));
    });
  }

  static UnaryKernel kernel(UnaryOp op) {
    switch (op) {
      case UnaryOp::exp: return {exp_forward, exp_backward};
      case UnaryOp::sigmoid: return {sigmoid_forward, sigmoid_backward};
      case UnaryOp::tanh: return {tanh_forward, tanh_backward};
      case UnaryOp::silu: return {silu_forward, silu_backward};
      default: return {nullptr, nullptr};
    }
  }
};
