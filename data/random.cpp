#include "data/random.h"

#include <cmath>

#include "tensor/rng.h"

namespace thorax::data {

uint32_t Rng::bits() {
  if (used_ == 4) {
    block_ = philox4x32(counter_++, stream_, seed_);
    used_ = 0;
  }
  return block_[used_++];
}

double Rng::uniform() {
  // 53 random bits: uniform on [0, 1) with every double of that grid equally likely.
  uint64_t hi = bits() >> 5, lo = bits() >> 6;
  return (static_cast<double>(hi) * 67108864.0 + static_cast<double>(lo)) * (1.0 / 9007199254740992.0);
}

double Rng::normal() {
  double u1 = 1.0 - uniform(), u2 = uniform();  // u1 in (0, 1]: log is finite
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double Rng::gamma(double shape) {
  if (shape < 1.0) return gamma(shape + 1.0) * std::pow(1.0 - uniform(), 1.0 / shape);  // boost, then scale back
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

double Rng::beta(double a, double b) {
  const double x = gamma(a), y = gamma(b);
  return x / (x + y);
}

int64_t Rng::integer(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  uint64_t x = (static_cast<uint64_t>(bits()) << 32) | bits();
  return lo + static_cast<int64_t>(x % span);  // bias below 2^-32 for spans we use
}

uint64_t stream_id(uint64_t a, uint64_t b, uint64_t c) {
  // SplitMix64 finalizer over the combined ids: distinct inputs give unrelated stream ids.
  uint64_t z =
      a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^ c * 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace thorax::data
