// The loops of kernels/cpu/lstm_cell_vec.h, written once over a vector type `V` (kernels/cpu/vec_<isa>.h).
// Included only by lstm_cell_<isa>.cpp, inside an unnamed namespace.
#pragma once
#include "kernels/cpu/activation_simd.h"

template <class V>
uint32_t cell_lanes(int64_t n) {
  return n >= V::lanes ? V::all : n <= 0 ? 0u : (uint32_t(1) << n) - 1;
}


template <class V>
void cell_forward(const float* gates, const float* c_prev, float* h, float* c, float* act, int64_t n, int64_t H) {
  for (int64_t b = 0; b < n; ++b) {
    const float* g = gates + b * 4 * H;
    float* a = act + b * 4 * H;
    for (int64_t j = 0; j < H; j += V::lanes) {
      const uint32_t m = cell_lanes<V>(H - j);
      const auto i = sigmoid<V>(V::load_bits(g + j, m)), f = sigmoid<V>(V::load_bits(g + H + j, m));
      const auto gg = tanh_v<V>(V::load_bits(g + 2 * H + j, m)), o = sigmoid<V>(V::load_bits(g + 3 * H + j, m));
      const auto cc = V::fma(f, V::load_bits(c_prev + b * H + j, m), V::mul(i, gg));
      V::store_bits(a + j, i, m), V::store_bits(a + H + j, f, m);
      V::store_bits(a + 2 * H + j, gg, m), V::store_bits(a + 3 * H + j, o, m);
      V::store_bits(c + b * H + j, cc, m);
      V::store_bits(h + b * H + j, V::mul(o, tanh_v<V>(cc)), m);
    }
  }
}

template <class V>
void cell_backward(const float* act, const float* c_prev, const float* c, const float* gh, const float* gc,
                   float* g_gates, float* g_c_prev, int64_t n, int64_t H) {
  const auto one = V::set1(1.0f);
  for (int64_t b = 0; b < n; ++b) {
    const float* a = act + b * 4 * H;
    float* d = g_gates + b * 4 * H;
    for (int64_t j = 0; j < H; j += V::lanes) {
      const uint32_t m = cell_lanes<V>(H - j);
      const int64_t u = b * H + j;
      const auto i = V::load_bits(a + j, m), f = V::load_bits(a + H + j, m);
      const auto gg = V::load_bits(a + 2 * H + j, m), o = V::load_bits(a + 3 * H + j, m);
      const auto tc = tanh_v<V>(V::load_bits(c + u, m));
      const auto dh = gh ? V::load_bits(gh + u, m) : V::zero();
      const auto dc = V::fma(V::mul(dh, o), V::fnma(tc, tc, one), gc ? V::load_bits(gc + u, m) : V::zero());
      V::store_bits(d + j, V::mul(V::mul(dc, gg), V::mul(i, V::sub(one, i))), m);
      V::store_bits(d + H + j, V::mul(V::mul(dc, V::load_bits(c_prev + u, m)), V::mul(f, V::sub(one, f))), m);
      V::store_bits(d + 2 * H + j, V::mul(V::mul(dc, i), V::fnma(gg, gg, one)), m);
      V::store_bits(d + 3 * H + j, V::mul(V::mul(dh, tc), V::mul(o, V::sub(one, o))), m);
      V::store_bits(g_c_prev + u, V::mul(dc, f), m);
    }
  }
}
