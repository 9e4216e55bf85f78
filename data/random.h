// A stream of random numbers for data work (phantoms, splits, augmentation), built on tensor/rng.h's Philox:
// value i of stream (seed, stream) is a pure function of those three numbers, so results never depend on thread
// count or scheduling — each image, patient or epoch gets its own stream id.
#pragma once
#include <array>
#include <cstddef>
#include <utility>
#include <cstdint>
#include <vector>

namespace thorax::data {

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) : seed_(seed), stream_(stream) {}

  uint32_t bits();
  double uniform();                          // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal();                           // standard normal (Box-Muller)
  bool bernoulli(double p) { return uniform() < p; }
  double gamma(double shape);                // Gamma(shape, 1), Marsaglia & Tsang (2000)
  double beta(double a, double b);           // Beta(a, b) as X / (X + Y) of two gammas
  int64_t integer(int64_t lo, int64_t hi);   // uniform in [lo, hi], inclusive
  template <class T> void shuffle(std::vector<T>& v) {  // Fisher-Yates
    for (std::size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<std::size_t>(integer(0, static_cast<int64_t>(i) - 1))]);
  }

 private:
  uint64_t seed_, stream_, counter_ = 0;
  std::array<uint32_t, 4> block_{};
  int used_ = 4;
};

// Mixes several ids into one stream id (so (epoch, sample) or (image, finding) pairs get distinct streams).
uint64_t stream_id(uint64_t a, uint64_t b, uint64_t c = 0);

}  // namespace thorax::data
