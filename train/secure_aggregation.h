// Secure aggregation for federated averaging (after Bonawitz et al. 2017, without its recovery from sites that
// drop out): each site turns its weighted update into fixed point, adds a pseudorandom mask for every other
// site — plus the mask it shares with a site of higher index, minus the one it shares with a lower — and sends
// only that. All arithmetic is modulo 2³², so in the server's sum every mask cancels exactly and the server
// learns the exact sum of the quantized updates and nothing else: each masked update alone is uniformly
// distributed (tests: the sum is exact; a masked update's correlation with the true one is below 0.01).
//
// Pair keys: every pair of sites shares one ChaCha20 key that the server never sees. Sites in one process draw
// them from std::random_device; sites as MPI ranks have the lower rank draw the key and send it to the higher
// one directly (a deployment across institutions would agree on them by authenticated Diffie–Hellman instead).
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "train/chacha20.h"

namespace thorax::train {

// Fixed point with `scale` steps per unit; values beyond ±limit are clipped (and counted), where limit keeps
// the sum of `sites` values inside int32: limit = 2³¹ / (scale · sites) / 2.
struct FixedPoint {
  double scale = 1 << 20;  // resolution 1e-6: below float32's rounding of typical weight updates
  double limit = 0;
  static FixedPoint for_sites(int sites, double scale = 1 << 20);
};

// round(clamp(v, ±limit) · scale) as two's-complement uint32; `clipped` counts the values that were clamped.
std::vector<uint32_t> quantize(std::span<const float> values, const FixedPoint& fp, int64_t* clipped = nullptr);
// The sum (mod 2³²) read back as int32 and divided by the scale.
std::vector<float> dequantize(std::span<const uint32_t> sum, const FixedPoint& fp);

using PairKeys = std::map<int, ChaChaKey>;  // this site's key with each other site, by site index
ChaChaKey random_key();

// Adds this site's masks in place: + ChaCha20(key with j) for every j > site, − for every j < site; the nonce is
// the round, so no mask is ever reused.
void add_pairwise_masks(std::span<uint32_t> values, int site, const PairKeys& keys, uint64_t round);

// Wrapping sum of several sites' vectors (the server's one operation).
void add_into(std::span<uint32_t> total, std::span<const uint32_t> values);

}  // namespace thorax::train
