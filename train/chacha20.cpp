#include "train/chacha20.h"

#include <stdexcept>

namespace thorax::train {

namespace {

constexpr uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

void quarter_round(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d) {
  a += b;
  d = rotl(d ^ a, 16);
  c += d;
  b = rotl(b ^ c, 12);
  a += b;
  d = rotl(d ^ a, 8);
  c += d;
  b = rotl(b ^ c, 7);
}

uint32_t le32(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }

}  // namespace

void chacha20_keystream(const ChaChaKey& key, const ChaChaNonce& nonce, uint32_t counter, std::span<uint32_t> out) {
  // "expand 32-byte k", the key, the block counter, the nonce (RFC 8439, 2.3).
  uint32_t init[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (int i = 0; i < 8; ++i) init[4 + i] = le32(&key[4 * i]);
  for (int i = 0; i < 3; ++i) init[13 + i] = le32(&nonce[4 * i]);
  const uint64_t blocks = (out.size() + 15) / 16;
  if (counter + blocks - 1 > UINT32_MAX) throw std::invalid_argument("chacha20: the block counter would wrap");
  for (uint64_t b = 0; b < blocks; ++b) {
    init[12] = counter + static_cast<uint32_t>(b);
    uint32_t x[16];
    std::copy(init, init + 16, x);
    for (int round = 0; round < 10; ++round) {  // 20 rounds: a column round and a diagonal round each time
      quarter_round(x[0], x[4], x[8], x[12]);
      quarter_round(x[1], x[5], x[9], x[13]);
      quarter_round(x[2], x[6], x[10], x[14]);
      quarter_round(x[3], x[7], x[11], x[15]);
      quarter_round(x[0], x[5], x[10], x[15]);
      quarter_round(x[1], x[6], x[11], x[12]);
      quarter_round(x[2], x[7], x[8], x[13]);
      quarter_round(x[3], x[4], x[9], x[14]);
    }
    for (uint64_t i = 0; i < 16 && b * 16 + i < out.size(); ++i) out[b * 16 + i] = x[i] + init[i];
  }
}

}  // namespace thorax::train
