// What every CUDA comparison bench shares (nvcc builds only): its options, opening the GPU or saying in one
// sentence why there is none, timing on the GPU with events, and the GFLOP/s and % of peak columns.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "bench/cuda/gpu_specs.h"

namespace thorax::cuda::bench {

struct Options {
  int warmup = 3;
  int repeats = 20;
  int no_gpu_exit = 0;  // exit code without a usable GPU: 0 by hand, 77 (a skip) from ctest
};
// --warmup N, --repeats N, --no-gpu-exit CODE; prints usage and exits 2 on anything else.
Options parse_options(int argc, char** argv, const char* bench);

// The peak of GPU 0, after printing a line naming it. Without a usable GPU (or with one older than the
// compute capability the kernels were compiled for), prints one sentence and exits with o.no_gpu_exit.
Peak open_device(const char* bench, const Options& o);

// Median wall time on the GPU, in milliseconds, of o.repeats calls of fn (after o.warmup untimed ones), each
// bracketed by a pair of events on the current stream.
double median_ms(const std::function<void()>& fn, const Options& o);

double gflop_per_s(double flop, double ms);
// "41.7%" of the peak, or "n/a" when the peak is unknown.
std::string percent_of_peak(double gflop_per_s, const Peak& peak);

// n floats uniform in [-1, 1) from a fixed seed (the same inputs on every run and every GPU).
std::vector<float> uniform_floats(std::size_t n, unsigned seed);
// max |got - want| / max |want|: one number that says whether two implementations agree.
double max_relative_error(const std::vector<float>& got, const std::vector<float>& want);

}  // namespace thorax::cuda::bench
