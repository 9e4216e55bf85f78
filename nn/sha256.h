// SHA-256 (FIPS 180-4), written here so weights files can carry a content hash without a crypto
// library dependency. Streaming: update() any number of times, then hex_digest().
// On x86 CPUs with the SHA extensions the compression runs on them (several times faster: verifying a
// VGG's half gigabyte costs a fraction of a second); elsewhere, plain C++.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace thorax::nn {

class Sha256 {
 public:
  // use_cpu_extensions = false forces the plain C++ compression (tests compare the two).
  explicit Sha256(bool use_cpu_extensions = true);
  void update(const void* data, size_t n);
  void update(const std::string& s) { update(s.data(), s.size()); }
  // The 64 lowercase hex digits. Finishes the hash: call once.
  std::string hex_digest();

 private:
  void blocks(const uint8_t* p, size_t count);
  std::array<uint32_t, 8> h_;
  bool hardware_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;  // bytes
  bool done_ = false;
};

std::string sha256_hex(const std::string& bytes);
// Whether this CPU has the SHA extensions Sha256 uses.
bool sha256_hardware_available();

}  // namespace thorax::nn
