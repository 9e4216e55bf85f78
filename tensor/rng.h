// Counter-based random numbers (Philox-4x32-10, Salmon et al., SC'11).
//
// Element i of a draw is a pure function of (seed, offset + i): no state is carried from one element
// to the next, so a CUDA thread, an OpenMP thread and a plain loop produce the same stream. Each draw
// advances the generator's offset past the counters it used, so consecutive draws never overlap.
#pragma once
#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace thorax {

// One Philox block: four 32-bit outputs for a 128-bit counter and a 64-bit key.
std::array<uint32_t, 4> philox4x32(uint64_t counter, uint64_t subsequence, uint64_t key);

// Maps 32 random bits to a float in (0, 1]: never 0, so log() is safe in Box-Muller.
inline float uint_to_unit(uint32_t x) { return (static_cast<float>(x >> 8) + 1.0f) * (1.0f / 16777216.0f); }

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  void set_state(uint64_t seed, uint64_t offset) { seed_ = seed; offset_ = offset; }

  // Fill a float32/float64 tensor in place (any layout: values go in row-major order).
  void uniform_(Tensor& t, double lo = 0.0, double hi = 1.0);
  void normal_(Tensor& t, double mean = 0.0, double std = 1.0);
  // Reserves `n` counters and returns the first: for kernels (dropout) that draw their own values.
  uint64_t reserve(uint64_t n);

 private:
  uint64_t seed_ = 0;
  uint64_t offset_ = 0;
};

// The process-wide default generator (explicitly seeded with manual_seed).
Generator& default_generator();
void manual_seed(uint64_t seed);

// Convenience factories drawing from the default generator (or the one given).
Tensor rand(const Shape& shape, DType dtype = DType::f32, Generator* g = nullptr);
Tensor randn(const Shape& shape, DType dtype = DType::f32, Generator* g = nullptr);

}  // namespace thorax
