#include "tensor/rng.h"

#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace thorax {

std::array<uint32_t, 4> philox4x32(uint64_t counter, uint64_t subsequence, uint64_t key) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // multipliers
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // Weyl key increments
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32);
  uint32_t c2 = static_cast<uint32_t>(subsequence), c3 = static_cast<uint32_t>(subsequence >> 32);
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = static_cast<uint64_t>(kM0) * c0, p1 = static_cast<uint64_t>(kM1) * c2;
    uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += kW0;
    k1 += kW1;
  }
  return {c0, c1, c2, c3};
}

uint64_t Generator::reserve(uint64_t n) {
  uint64_t first = offset_;
  offset_ += (n + 3) / 4;  // counters are consumed four values at a time
  return first;
}

// Writes value(i) for every element in row-major order, straight into a dense float32/float64 buffer
// (or a dense temporary copied into a strided tensor). `block(i0)` computes the values of elements
// i0..i0+per-1 at once, so each Philox block is evaluated once, not once per element.
template <int Per, class Block> static void fill_floating(Tensor& t, Block block) {
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
    throw std::invalid_argument(std::string("random fill needs float32 or float64, got ") + dtype_name(t.dtype()));
  Tensor dense = t.is_contiguous() ? t : Tensor::empty(t.shape(), t.dtype());
  const int64_t n = dense.numel();
  double v[Per];
  auto run = [&](auto* out) {
    for (int64_t i0 = 0; i0 < n; i0 += Per) {
      block(i0, v);
      for (int k = 0; k < Per && i0 + k < n; ++k) out[i0 + k] = static_cast<std::remove_pointer_t<decltype(out)>>(v[k]);
    }
  };
  if (dense.dtype() == DType::f32) run(dense.data<float>());
  else run(dense.data<double>());
  if (!dense.same(t)) t.copy_from(dense);
}

void Generator::uniform_(Tensor& t, double lo, double hi) {
  const uint64_t base = reserve(static_cast<uint64_t>(t.numel()));
  const uint64_t key = seed_;
  // Element i is lane i % 4 of block base + i / 4.
  fill_floating<4>(t, [&](int64_t i0, double* v) {
    auto r = philox4x32(base + static_cast<uint64_t>(i0) / 4, 0, key);
    for (int k = 0; k < 4; ++k) v[k] = lo + (hi - lo) * static_cast<double>(uint_to_unit(r[k]));
  });
}

void Generator::normal_(Tensor& t, double mean, double std) {
  // Box-Muller on lanes (0,1) and (2,3) of each block: element i uses block i/2, pair i%2.
  const uint64_t n = static_cast<uint64_t>(t.numel());
  const uint64_t base = offset_;
  offset_ += (n + 1) / 2;
  const uint64_t key = seed_;
  fill_floating<2>(t, [&](int64_t i0, double* v) {
    auto r = philox4x32(base + static_cast<uint64_t>(i0) / 2, 1, key);
    for (int k = 0; k < 2; ++k) {
      double u1 = uint_to_unit(r[2 * k]), u2 = uint_to_unit(r[2 * k + 1]);
      v[k] = mean + std * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
  });
}

Generator& default_generator() {
  static Generator g(0);
  return g;
}
void manual_seed(uint64_t seed) { default_generator().set_state(seed, 0); }

Tensor rand(const Shape& shape, DType dtype, Generator* g) {
  Tensor t = Tensor::empty(shape, dtype);
  (g ? *g : default_generator()).uniform_(t);
  return t;
}
Tensor randn(const Shape& shape, DType dtype, Generator* g) {
  Tensor t = Tensor::empty(shape, dtype);
  (g ? *g : default_generator()).normal_(t);
  return t;
}

}  // namespace thorax
