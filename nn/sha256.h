// SHA-256 (FIPS 180-4), written here so weights files can carry a content hash without a crypto
// library dependency. Streaming: update() any number of times, then hex_digest().
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace thorax::nn {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t n);
  void update(const std::string& s) { update(s.data(), s.size()); }
  // The 64 lowercase hex digits. Finishes the hash: call once.
  std::string hex_digest();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;  // bytes
  bool done_ = false;
};

std::string sha256_hex(const std::string& bytes);

}  // namespace thorax::nn
