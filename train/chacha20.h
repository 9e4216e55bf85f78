// The ChaCha20 keystream (RFC 8439): the pseudorandom masks of secure aggregation (train/secure_aggregation.h).
// A cipher rather than a statistical generator because a mask must not be predictable from the masked values it
// hides. Checked against the RFC's test vector and Python's `cryptography`.
#pragma once
#include <array>
#include <cstdint>
#include <span>

namespace thorax::train {

using ChaChaKey = std::array<uint8_t, 32>;
using ChaChaNonce = std::array<uint8_t, 12>;

// Fills `out` with keystream words (each block's 16 words as little-endian uint32), blocks counted from `counter`.
void chacha20_keystream(const ChaChaKey& key, const ChaChaNonce& nonce, uint32_t counter, std::span<uint32_t> out);

}  // namespace thorax::train
