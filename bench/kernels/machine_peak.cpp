#include "bench/kernels/machine_peak.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "kernels/cpu/cpu_features.h"

namespace thorax::bench {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double clock_ghz() {
  constexpr int64_t n = 100'000'000;
  uint64_t x = 0;
  const auto t = Clock::now();
  for (int64_t i = 0; i < n; ++i) asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
  return 4.0 * n / seconds_since(t) / 1e9;
}

// Each loop keeps `chains` independent accumulators, more than FMA latency × pipes, so it measures
// throughput. The sink keeps the compiler from dropping the work.
constexpr int64_t kSteps = 20'000'000;

__attribute__((target("avx512f"))) double fma_gflops_avx512(float* sink) {
  constexpr int chains = 24;
  __m512 acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = _mm512_set1_ps(0.001f * i);
  const __m512 m = _mm512_set1_ps(0.999f), a = _mm512_set1_ps(1e-4f);
  const auto t = Clock::now();
  for (int64_t s = 0; s < kSteps; ++s)
#pragma GCC unroll 24
    for (int i = 0; i < chains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
  const double sec = seconds_since(t);
  alignas(64) float lanes[16];
  for (int i = 0; i < chains; ++i) {
    _mm512_store_ps(lanes, acc[i]);
    *sink += lanes[0];
  }
  return 2.0 * 16 * chains * kSteps / sec / 1e9;
}

__attribute__((target("avx2,fma"))) double fma_gflops_avx2(float* sink) {
  constexpr int chains = 12;
  __m256 acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = _mm256_set1_ps(0.001f * i);
  const __m256 m = _mm256_set1_ps(0.999f), a = _mm256_set1_ps(1e-4f);
  const auto t = Clock::now();
  for (int64_t s = 0; s < kSteps; ++s)
#pragma GCC unroll 12
    for (int i = 0; i < chains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
  const double sec = seconds_since(t);
  alignas(32) float lanes[8];
  for (int i = 0; i < chains; ++i) {
    _mm256_store_ps(lanes, acc[i]);
    *sink += lanes[0];
  }
  return 2.0 * 8 * chains * kSteps / sec / 1e9;
}

double mul_add_gflops_sse2(float* sink) {  // no FMA: a multiply and an add per lane
  constexpr int chains = 12;
  __m128 acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = _mm_set1_ps(0.001f * i);
  const __m128 m = _mm_set1_ps(0.999f), a = _mm_set1_ps(1e-4f);
  const auto t = Clock::now();
  for (int64_t s = 0; s < kSteps; ++s)
#pragma GCC unroll 12
    for (int i = 0; i < chains; ++i) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], m), a);
  const double sec = seconds_since(t);
  for (int i = 0; i < chains; ++i) *sink += _mm_cvtss_f32(acc[i]);
  return 2.0 * 4 * chains * kSteps / sec / 1e9;
}

}  // namespace

std::string MachinePeak::formula() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d threads x %.2f GHz x %d FLOP/cycle (%s) = %.1f GFLOP/s", threads, ghz,
                flops_per_cycle, isa.c_str(), gflops());
  return buf;
}

MachinePeak measure_machine_peak() {
  const auto f = kernels::cpu::detect_cpu_features();
  MachinePeak p;
  p.threads = omp_get_max_threads();
  float sink = 0;
  for (int run = 0; run < 3; ++run) {
    p.ghz = std::max(p.ghz, clock_ghz());
    double g = f.has_avx512()     ? fma_gflops_avx512(&sink)
               : f.has_avx2_fma() ? fma_gflops_avx2(&sink)
                                  : mul_add_gflops_sse2(&sink);
    p.measured_fma_gflops = std::max(p.measured_fma_gflops, g);
  }
  p.isa = f.has_avx512() ? "avx512" : f.has_avx2_fma() ? "avx2+fma" : "sse2";
  p.flops_per_cycle = 1 << static_cast<int>(std::lround(std::log2(p.measured_fma_gflops / p.ghz)));
  if (sink == 12345.0f) std::puts("");  // keeps the loops' results alive
  return p;
}

}  // namespace thorax::bench
