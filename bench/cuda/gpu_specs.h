// The peak FP32 throughput and memory bandwidth of a GPU, for the "% of peak" column of the CUDA benches.
// Known GPUs come from their vendor's datasheet (gpu_specs.cpp, each entry citing it); any other GPU gets the
// peak computed from what the runtime reports (SMs x FP32 lanes per SM x 2 FLOP per FMA x boost clock; memory
// clock x 2 transfers per clock x bus width). Plain C++, so tests/cuda checks the table without a GPU.
#pragma once
#include <string>
#include <vector>

#include "kernels/cuda/runtime.h"  // DeviceInfo

namespace thorax::cuda::bench {

struct GpuSpec {
  const char* device_name;  // exactly as cudaGetDeviceProperties names it
  double fp32_tflops;       // dense FP32, non-tensor-core, at boost clock
  double memory_gb_per_s;
  const char* source;       // the datasheet the numbers come from
};

// Every GPU with datasheet numbers: A100, H100, L4, T4, RTX 4090, RTX 3090, V100 and their variants.
const std::vector<GpuSpec>& gpu_spec_table();
// The entry whose device_name equals `device_name`, or nullptr.
const GpuSpec* find_gpu_spec(const std::string& device_name);

// FP32 lanes (CUDA cores) per SM for a compute capability; 0 when this table does not know it.
int fp32_lanes_per_sm(int major, int minor);
// 0 when the compute capability is unknown.
double computed_fp32_tflops(int sm_count, int clock_khz, int major, int minor);
double computed_memory_gb_per_s(int memory_clock_khz, int bus_bits);

struct Peak {
  double fp32_tflops = 0;     // 0: unknown (no % of peak printed)
  double memory_gb_per_s = 0;
  std::string source;         // "NVIDIA A100 datasheet" or "computed: 108 SMs x 64 lanes x 2 x 1410 MHz"
};
Peak device_peak(const DeviceInfo& d);

}  // namespace thorax::cuda::bench
