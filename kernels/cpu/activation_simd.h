// Vector sigmoid and tanh over a vector type `V` (kernels/cpu/vec_<isa>.h), on the vector exp: shared by the
// LSTM cell (lstm_cell_simd.h) and the elementwise activations (elementwise_simd.h). Included only inside an
// unnamed namespace of an *_avx2.cpp / *_avx512.cpp file.
#pragma once

template <class V>
typename V::type sigmoid(typename V::type x) {
  const auto one = V::set1(1.0f);
  return V::div(one, V::add(one, V::exp(V::sub(V::zero(), x))));
}

// tanh through e^−2|x| ≤ 1, so nothing overflows and small |x| keeps its relative accuracy.
template <class V>
typename V::type tanh_v(typename V::type x) {
  const auto one = V::set1(1.0f);
  const auto e = V::exp(V::mul(V::set1(-2.0f), V::abs(x)));
  return V::copysign(V::div(V::sub(one, e), V::add(one, e)), x);
}
