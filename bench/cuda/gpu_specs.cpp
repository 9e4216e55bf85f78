// The GPU spec table (gpu_specs.h). Numbers are the vendor's, copied from the datasheet or architecture
// whitepaper named in each entry; tests/cuda/gpu_specs_test.cpp checks each against the SM count and boost
// clock of the same document, so a mistyped number does not survive.
#include "bench/cuda/gpu_specs.h"

#include <cstdio>

namespace thorax::cuda::bench {

const std::vector<GpuSpec>& gpu_spec_table() {
  static const std::vector<GpuSpec> table = {
      // NVIDIA A100 Tensor Core GPU datasheet: FP32 19.5 TFLOPS; memory bandwidth 1,555 GB/s (40GB),
      // 1,935 GB/s (80GB PCIe), 2,039 GB/s (80GB SXM).
      {"NVIDIA A100-PCIE-40GB", 19.5, 1555, "NVIDIA A100 datasheet"},
      {"NVIDIA A100-SXM4-40GB", 19.5, 1555, "NVIDIA A100 datasheet"},
      {"NVIDIA A100 80GB PCIe", 19.5, 1935, "NVIDIA A100 datasheet"},
      {"NVIDIA A100-SXM4-80GB", 19.5, 2039, "NVIDIA A100 datasheet"},
      // NVIDIA H100 Tensor Core GPU datasheet: FP32 67 TFLOPS and 3.35 TB/s (SXM), 51 TFLOPS and 2 TB/s
      // (PCIe), 60 TFLOPS and 3.9 TB/s (NVL).
      {"NVIDIA H100 80GB HBM3", 67.0, 3350, "NVIDIA H100 datasheet"},
      {"NVIDIA H100 PCIe", 51.0, 2000, "NVIDIA H100 datasheet"},
      {"NVIDIA H100 NVL", 60.0, 3900, "NVIDIA H100 datasheet"},
      // NVIDIA L4 Tensor Core GPU datasheet: FP32 30.3 TFLOPS, 300 GB/s.
      {"NVIDIA L4", 30.3, 300, "NVIDIA L4 datasheet"},
      // NVIDIA T4 Tensor Core GPU datasheet: single precision 8.1 TFLOPS, 320+ GB/s.
      {"Tesla T4", 8.1, 320, "NVIDIA T4 datasheet"},
      // NVIDIA Ada GPU Architecture whitepaper, GeForce RTX 4090: peak FP32 82.6 TFLOPS, 1008 GB/s.
      {"NVIDIA GeForce RTX 4090", 82.6, 1008, "NVIDIA Ada GPU Architecture whitepaper"},
      // NVIDIA Ampere GA102 GPU Architecture whitepaper, GeForce RTX 3090: peak FP32 35.6 TFLOPS, 936 GB/s.
      {"NVIDIA GeForce RTX 3090", 35.6, 936, "NVIDIA Ampere GA102 GPU Architecture whitepaper"},
      // NVIDIA V100 Tensor Core GPU datasheet: single precision 15.7 TFLOPS (SXM2), 14 TFLOPS (PCIe),
      // 900 GB/s; V100S PCIe: 16.4 TFLOPS, 1,134 GB/s.
      {"Tesla V100-SXM2-16GB", 15.7, 900, "NVIDIA V100 datasheet"},
      {"Tesla V100-SXM2-32GB", 15.7, 900, "NVIDIA V100 datasheet"},
      {"Tesla V100-PCIE-16GB", 14.0, 900, "NVIDIA V100 datasheet"},
      {"Tesla V100-PCIE-32GB", 14.0, 900, "NVIDIA V100 datasheet"},
      {"Tesla V100S-PCIE-32GB", 16.4, 1134, "NVIDIA V100 datasheet"},
  };
  return table;
}

const GpuSpec* find_gpu_spec(const std::string& device_name) {
  for (const GpuSpec& s : gpu_spec_table())
    if (device_name == s.device_name) return &s;
  return nullptr;
}

int fp32_lanes_per_sm(int major, int minor) {
  // CUDA C++ Programming Guide, "Compute Capabilities", arithmetic instructions table (32-bit floating-point
  // add, multiply, multiply-add, results per clock per SM).
  if (major == 7) return 64;                    // Volta, Turing
  if (major == 8) return minor == 0 ? 64 : 128;  // A100 (8.0); GA10x and Ada (8.6, 8.7, 8.9)
  if (major == 9 || major == 10 || major == 12) return 128;  // Hopper, Blackwell
  return 0;
}

double computed_fp32_tflops(int sm_count, int clock_khz, int major, int minor) {
  // One FMA per lane per clock counts as 2 FLOP.
  return 2.0 * sm_count * fp32_lanes_per_sm(major, minor) * (clock_khz * 1e3) / 1e12;
}

double computed_memory_gb_per_s(int memory_clock_khz, int bus_bits) {
  // Double data rate: two transfers per memory clock, each bus_bits wide.
  return 2.0 * (memory_clock_khz * 1e3) * (bus_bits / 8.0) / 1e9;
}

Peak device_peak(const DeviceInfo& d) {
  Peak p;
  if (const GpuSpec* s = find_gpu_spec(d.name)) {
    p.fp32_tflops = s->fp32_tflops;
    p.memory_gb_per_s = s->memory_gb_per_s;
    p.source = s->source;
    return p;
  }
  p.fp32_tflops = computed_fp32_tflops(d.sm_count, d.clock_khz, d.major, d.minor);
  p.memory_gb_per_s = computed_memory_gb_per_s(d.memory_clock_khz, d.memory_bus_bits);
  char buf[160];
  std::snprintf(buf, sizeof buf, "computed: %d SMs x %d FP32 lanes x 2 x %.0f MHz; memory %.0f MHz x 2 x %d bits",
                d.sm_count, fp32_lanes_per_sm(d.major, d.minor), d.clock_khz / 1e3, d.memory_clock_khz / 1e3,
                d.memory_bus_bits);
  p.source = buf;
  return p;
}

}  // namespace thorax::cuda::bench
