// The machine's peak float32 rate, from a stated formula:
//   peak = threads × clock (GHz) × FLOPs per cycle per core,
// where the clock is measured (a chain of dependent integer adds retires one add per cycle on every
// x86-64 core of the last decade, so adds per second = cycles per second) and FLOPs per cycle is the
// measured single-core throughput of independent FMAs in the widest instruction set the CPU has,
// divided by that clock and rounded to a power of two (2 pipes × lanes × 2 FLOPs per FMA on current
// cores). Both are the best of a few short runs, so a busy machine lowers them rather than inflates them.
#pragma once
#include <string>

namespace thorax::bench {

struct MachinePeak {
  int threads = 1;               // OpenMP threads the kernels use (omp_get_max_threads)
  double ghz = 0;                // measured clock of one core
  int flops_per_cycle = 0;       // per core, float32, in the widest ISA below
  double measured_fma_gflops = 0;  // one core, before rounding to flops_per_cycle
  std::string isa;               // "avx512", "avx2+fma" or "sse2"

  double gflops() const { return threads * ghz * flops_per_cycle; }
  std::string formula() const;  // "2 threads x 3.62 GHz x 32 FLOP/cycle (avx512) = 231.7 GFLOP/s"
};

MachinePeak measure_machine_peak();

}  // namespace thorax::bench
