// Element types and their sizes. float32 is the compute type, float64 exists for gradient
// checks (it runs the reference kernels), bfloat16 is a storage type converted at the edges.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace thorax {

enum class DType : uint8_t { f32, f64, bf16, i64, i32, u8, boolean };

size_t dtype_size(DType t);
const char* dtype_name(DType t);

// bfloat16: the upper 16 bits of an IEEE float32. Conversion rounds to nearest even and keeps NaN a NaN.
struct bf16 {
  uint16_t bits = 0;
};
inline bf16 to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  bf16 r;
  if ((u & 0x7fffffffu) > 0x7f800000u) {  // NaN: keep it quiet, never round into Inf
    r.bits = static_cast<uint16_t>((u >> 16) | 0x40u);
    return r;
  }
  uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
  r.bits = static_cast<uint16_t>((u + rounding) >> 16);
  return r;
}
inline float from_bf16(bf16 b) {
  uint32_t u = static_cast<uint32_t>(b.bits) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }
template <> constexpr DType dtype_of<bf16>() { return DType::bf16; }
template <> constexpr DType dtype_of<int64_t>() { return DType::i64; }
template <> constexpr DType dtype_of<int32_t>() { return DType::i32; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::u8; }
template <> constexpr DType dtype_of<bool>() { return DType::boolean; }

inline bool is_floating(DType t) { return t == DType::f32 || t == DType::f64 || t == DType::bf16; }

}  // namespace thorax
