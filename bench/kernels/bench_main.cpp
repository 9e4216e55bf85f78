// build/bench/kernel_bench: every registered version of the timed kernel ops side by side, with
// GFLOP/s and % of the machine's peak (the formula is printed in the context block at the top).
// Filter with --benchmark_filter=gemm (or conv2d, depthwise_conv2d, a version name, a shape name).
#include <omp.h>

#include "bench/kernels/bench_util.h"
#include "kernels/cpu/cpu_features.h"

int main(int argc, char** argv) {
  using namespace thorax;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const bench::MachinePeak peak = bench::measure_machine_peak();
  benchmark::AddCustomContext("thorax_cpu_features", kernels::cpu::describe(kernels::cpu::detect_cpu_features()));
  benchmark::AddCustomContext("thorax_peak", peak.formula());
  benchmark::AddCustomContext("thorax_peak_basis", "clock from a dependent-add chain; FLOP/cycle from one core's "
                                                   "measured FMA throughput (" +
                                                       std::to_string(peak.measured_fma_gflops) +
                                                       " GFLOP/s) / clock, rounded to a power of two");
  bench::register_gemm_benches(peak);
  bench::register_conv2d_benches(peak);
  bench::register_depthwise_conv2d_benches(peak);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
