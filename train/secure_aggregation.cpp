#include "train/secure_aggregation.h"

#include <cmath>
#include <random>
#include <stdexcept>

namespace thorax::train {

FixedPoint FixedPoint::for_sites(int sites, double scale) {
  if (sites < 1) throw std::invalid_argument("secure aggregation needs at least one site");
  FixedPoint fp;
  fp.scale = scale;
  fp.limit = 2147483648.0 / (scale * sites) / 2;
  return fp;
}

std::vector<uint32_t> quantize(std::span<const float> values, const FixedPoint& fp, int64_t* clipped) {
  std::vector<uint32_t> out(values.size());
  int64_t n = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i];
    if (!std::isfinite(v)) throw std::runtime_error("secure aggregation: an update holds NaN or Inf");
    if (std::abs(v) > fp.limit) {
      v = std::copysign(fp.limit, v);
      ++n;
    }
    out[i] = static_cast<uint32_t>(static_cast<int32_t>(std::llround(v * fp.scale)));
  }
  if (clipped) *clipped = n;
  return out;
}

std::vector<float> dequantize(std::span<const uint32_t> sum, const FixedPoint& fp) {
  std::vector<float> out(sum.size());
  for (size_t i = 0; i < sum.size(); ++i) out[i] = static_cast<float>(static_cast<int32_t>(sum[i]) / fp.scale);
  return out;
}

ChaChaKey random_key() {
  std::random_device device;
  ChaChaKey key;
  for (size_t i = 0; i < key.size(); i += 4) {
    const uint32_t word = device();
    for (size_t j = 0; j < 4; ++j) key[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  return key;
}

void add_pairwise_masks(std::span<uint32_t> values, int site, const PairKeys& keys, uint64_t round) {
  ChaChaNonce nonce{};
  for (int i = 0; i < 8; ++i) nonce[i] = static_cast<uint8_t>(round >> (8 * i));
  std::vector<uint32_t> mask(values.size());
  for (const auto& [other, key] : keys) {
    if (other == site) throw std::invalid_argument("secure aggregation: a site has a key with itself");
    chacha20_keystream(key, nonce, 0, mask);
    if (other > site)
      for (size_t i = 0; i < values.size(); ++i) values[i] += mask[i];
    else
      for (size_t i = 0; i < values.size(); ++i) values[i] -= mask[i];
  }
}

void add_into(std::span<uint32_t> total, std::span<const uint32_t> values) {
  if (total.size() != values.size()) throw std::invalid_argument("secure aggregation: updates of different sizes");
  for (size_t i = 0; i < total.size(); ++i) total[i] += values[i];
}

}  // namespace thorax::train
