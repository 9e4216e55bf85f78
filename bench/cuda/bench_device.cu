// The CUDA benches' shared parts (bench_device.h).
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "bench/cuda/bench_device.h"
#include "kernels/cuda/error.h"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/stream.h"

namespace thorax::cuda::bench {

Options parse_options(int argc, char** argv, const char* bench) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    int* target = nullptr;
    if (std::strcmp(argv[i], "--warmup") == 0) target = &o.warmup;
    if (std::strcmp(argv[i], "--repeats") == 0) target = &o.repeats;
    if (std::strcmp(argv[i], "--no-gpu-exit") == 0) target = &o.no_gpu_exit;
    if (target == nullptr || i + 1 == argc) {
      std::fprintf(stderr, "usage: %s [--warmup N] [--repeats N] [--no-gpu-exit CODE]\n", bench);
      std::exit(2);
    }
    *target = std::atoi(argv[++i]);
  }
  o.repeats = std::max(o.repeats, 1);
  return o;
}

Peak open_device(const char* bench, const Options& o) {
  const std::string why = unavailable_reason();
  if (!why.empty()) {
    std::printf("%s: %s; this bench runs only where a GPU exists.\n", bench, why.c_str());
    std::exit(o.no_gpu_exit);
  }
  const DeviceInfo d = device_info(0);
  // The kernels are compiled for sm_80 and sm_90 with PTX for compute_80 (kernels/cuda/CMakeLists.txt): the
  // driver can run them on 8.0 and newer, not on a T4 (7.5) or a V100 (7.0).
  if (d.major < 8) {
    std::printf("%s: the %s is compute capability %d.%d, older than the 8.0 thorax's CUDA kernels are compiled "
                "for (CUDA_ARCHITECTURES 80;90).\n",
                bench, d.name.c_str(), d.major, d.minor);
    std::exit(o.no_gpu_exit);
  }
  const Peak p = device_peak(d);
  std::printf("%s on %s (compute capability %d.%d, %d SMs, %.1f GiB): FP32 peak %.1f TFLOP/s, memory %.0f GB/s (%s)\n",
              bench, d.name.c_str(), d.major, d.minor, d.sm_count, d.total_memory / 1073741824.0, p.fp32_tflops,
              p.memory_gb_per_s, p.source.c_str());
  return p;
}

double median_ms(const std::function<void()>& fn, const Options& o) {
  cudaStream_t s = current_stream();
  for (int i = 0; i < o.warmup; ++i) fn();
  cudaEvent_t start, stop;
  check_cuda(cudaEventCreate(&start), "cudaEventCreate");
  check_cuda(cudaEventCreate(&stop), "cudaEventCreate");
  std::vector<double> ms;
  for (int i = 0; i < o.repeats; ++i) {
    check_cuda(cudaEventRecord(start, s), "cudaEventRecord");
    fn();
    check_cuda(cudaEventRecord(stop, s), "cudaEventRecord");
    check_cuda(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float t = 0;
    check_cuda(cudaEventElapsedTime(&t, start, stop), "cudaEventElapsedTime");
    ms.push_back(t);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

double gflop_per_s(double flop, double ms) { return flop / (ms * 1e-3) / 1e9; }

std::string percent_of_peak(double gflop_per_s, const Peak& peak) {
  if (peak.fp32_tflops <= 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * gflop_per_s / (peak.fp32_tflops * 1e3));
  return buf;
}

std::vector<float> uniform_floats(std::size_t n, unsigned seed) {
  std::vector<float> v(n);
  std::uint64_t state = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (auto& x : v) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
    x = static_cast<float>(static_cast<double>(state >> 40) / static_cast<double>(1ull << 24) * 2.0 - 1.0);
  }
  return v;
}

double max_relative_error(const std::vector<float>& got, const std::vector<float>& want) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
    diff = std::isnan(d) ? INFINITY : std::max(diff, d);
    scale = std::max(scale, std::fabs(static_cast<double>(want[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

}  // namespace thorax::cuda::bench
