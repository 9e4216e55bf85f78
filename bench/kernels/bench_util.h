// Helpers shared by the kernel benches: inputs, counters and the machine peak they are reported against.
#pragma once
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "bench/kernels/machine_peak.h"

namespace thorax::bench {

// n values uniform in [-1, 1), deterministic (a cheap LCG: inputs for timing, not for checking).
inline std::vector<float> bench_floats(int64_t n, uint32_t seed = 1) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return v;
}

// Runs `body` for the benchmark's iterations and reports GFLOP/s and % of the machine's peak for a
// kernel doing `flops` per call. Timed here, as wall time over all iterations (the kernels are
// multi-threaded), so the counters print as plain numbers rather than Google Benchmark's "x/s" rates.
template <class Body> void run_timed(benchmark::State& state, double flops, const MachinePeak& peak, Body&& body) {
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    body();
    benchmark::ClobberMemory();
  }
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double gflops = flops * static_cast<double>(state.iterations()) / sec / 1e9;
  state.counters["GFLOP/s"] = gflops;
  state.counters["%peak"] = 100.0 * gflops / peak.gflops();
}

// Each bench file registers its benchmarks (every version of its op, on its shapes) here.
void register_gemm_benches(const MachinePeak& peak);
void register_conv2d_benches(const MachinePeak& peak);
void register_depthwise_conv2d_benches(const MachinePeak& peak);

}  // namespace thorax::bench
