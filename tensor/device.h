// Where a tensor's bytes live. CPU is always available; CUDA tensors exist only in CUDA builds
// on machines with a GPU, and asking for one elsewhere is an error with one clear sentence.
#pragma once
#include <string>

namespace thorax {

enum class DeviceKind : uint8_t { CPU, CUDA };

struct Device {
  DeviceKind kind = DeviceKind::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int i = 0) { return {DeviceKind::CUDA, i}; }
  bool is_cpu() const { return kind == DeviceKind::CPU; }
  std::string str() const { return kind == DeviceKind::CPU ? "cpu" : "cuda:" + std::to_string(index); }
  friend bool operator==(const Device&, const Device&) = default;
};

// Parses "cpu", "cuda", "cuda:1"; throws a user-facing sentence on anything else.
Device parse_device(const std::string& s);

}  // namespace thorax
