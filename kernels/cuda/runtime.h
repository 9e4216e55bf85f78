// The CUDA runtime as thorax sees it: is there a GPU, and which. Compiled only in CUDA builds, but this
// header needs no CUDA header, so plain C++ (the thorax command line) can include it. The rest of the
// runtime: device_memory.h (caching allocator, copies), stream.h (streams), error.h (errors), launch.h.
#pragma once
#include <cstddef>
#include <string>

namespace thorax::cuda {

// Number of usable GPUs (0 when the driver or the device is missing: never throws).
int device_count();
// One sentence describing why CUDA cannot be used here, or "" when it can.
std::string unavailable_reason();

// What the benches and errors need to know about a GPU, from cudaGetDeviceProperties/cudaDeviceGetAttribute.
struct DeviceInfo {
  std::string name;             // "NVIDIA A100-SXM4-80GB"
  int major = 0, minor = 0;     // compute capability
  int sm_count = 0;
  int clock_khz = 0;            // peak SM clock
  int memory_clock_khz = 0;     // peak memory clock
  int memory_bus_bits = 0;
  std::size_t total_memory = 0;  // bytes
};
// Throws a sentence when `device` does not exist.
DeviceInfo device_info(int device = 0);

}  // namespace thorax::cuda
