// build/bench/kernel_time: times one kernel call pattern and prints one JSON line, for the comparison
// scripts (bench/compare_*.py), which run it alternately with PyTorch/OpenBLAS in the same session.
//   kernel_time gemm M N K [--ta] [--tb] [--reps R] [--version NAME]
//   kernel_time depthwise N C H W K STRIDE [--reps R] [--version NAME] [--pass forward|backward_data|backward_weight]
//   kernel_time conv2d N C_IN H W C_OUT K STRIDE PAD [--reps R] [--version NAME] [--pass ...]
// (depthwise pads K/2; both square kernels, dilation 1.)
// Defaults: the version autograd runs (the op's default_cpu), 10 repetitions after one warm-up call.
// Prints {"op":..., "version":..., "threads":..., "seconds":[...], "flops":...}; the scripts take medians.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/gemm.h"

using namespace thorax::kernels;

namespace {

std::vector<float> filled(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = 12345;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return v;
}

struct Args {
  std::vector<int64_t> dims;
  bool ta = false, tb = false;
  int reps = 10;
  std::string version, pass = "forward";
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(s + " needs a value");
      return argv[++i];
    };
    if (s == "--ta") a.ta = true;
    else if (s == "--tb") a.tb = true;
    else if (s == "--reps") a.reps = std::stoi(value());
    else if (s == "--version") a.version = value();
    else if (s == "--pass") a.pass = value();
    else a.dims.push_back(std::stoll(s));
  }
  if (a.reps < 1) throw std::invalid_argument("--reps must be at least 1");
  return a;
}

void report(const std::string& op, const std::string& version, double flops, int reps,
            const std::function<void()>& run) {
  run();  // warm-up: page in the buffers, start the thread team
  std::vector<double> secs;
  for (int r = 0; r < reps; ++r) {
    const auto t = std::chrono::steady_clock::now();
    run();
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  }
  std::printf("{\"op\": \"%s\", \"version\": \"%s\", \"threads\": %d, \"flops\": %.17g, \"seconds\": [", op.c_str(),
              version.c_str(), omp_get_max_threads(), flops);
  for (size_t i = 0; i < secs.size(); ++i) std::printf("%s%.9g", i ? ", " : "", secs[i]);
  std::printf("]}\n");
}

int run_gemm(const Args& a) {
  if (a.dims.size() != 3) throw std::invalid_argument("gemm needs M N K");
  const int64_t M = a.dims[0], N = a.dims[1], K = a.dims[2];
  const auto& op = gemm_op();
  const std::string version = a.version.empty() ? op.default_cpu : a.version;
  const GemmFn<float> fn = op.get(version).fn;
  const auto A = filled(M * K), B = filled(K * N);
  std::vector<float> C(static_cast<size_t>(M * N));
  report("gemm", version, 2.0 * M * N * K, a.reps, [&] {
    fn(a.ta, a.tb, M, N, K, 1.0f, A.data(), a.ta ? M : K, B.data(), a.tb ? K : N, 0.0f, C.data(), N);
  });
  return 0;
}

// Both convolution ops share Conv2dParams and the kernel triple; `op` picks the table.
int run_conv(const Op<Conv2dKernel>& op, const Conv2dParams& p, const Args& a) {
  const std::string version = a.version.empty() ? op.default_cpu : a.version;
  const Conv2dKernel k = op.get(version).fn;
  const auto x = filled(p.N * p.C_in * p.H * p.W), w = filled(p.C_out * (p.C_in / p.groups) * p.kH * p.kW);
  const auto bias = filled(p.C_out), gy = filled(p.N * p.C_out * p.H_out() * p.W_out());
  std::vector<float> out(std::max(x.size(), gy.size())), gw(w.size()), gb(bias.size());
  std::function<void()> run;
  if (a.pass == "forward") run = [&] { k.forward(x.data(), w.data(), bias.data(), out.data(), p); };
  else if (a.pass == "backward_data") run = [&] { k.backward_data(gy.data(), w.data(), out.data(), p); };
  // Without the bias gradient, as PyTorch's weight-only backward in the comparison scripts.
  else if (a.pass == "backward_weight") run = [&] { k.backward_weight(x.data(), gy.data(), gw.data(), nullptr, p); };
  else throw std::invalid_argument("--pass must be forward, backward_data or backward_weight, not '" + a.pass + "'");
  report(op.name + "/" + a.pass, version, p.flops(), a.reps, run);
  return 0;
}

int run_depthwise(const Args& a) {
  if (a.dims.size() != 6) throw std::invalid_argument("depthwise needs N C H W K STRIDE");
  Conv2dParams p;
  p.N = a.dims[0], p.C_in = p.C_out = p.groups = a.dims[1], p.H = a.dims[2], p.W = a.dims[3];
  p.kH = p.kW = a.dims[4], p.stride_h = p.stride_w = a.dims[5], p.pad_h = p.pad_w = a.dims[4] / 2;
  return run_conv(depthwise_conv2d_op(), p, a);
}

int run_conv2d(const Args& a) {
  if (a.dims.size() != 8) throw std::invalid_argument("conv2d needs N C_IN H W C_OUT K STRIDE PAD");
  Conv2dParams p;
  p.N = a.dims[0], p.C_in = a.dims[1], p.H = a.dims[2], p.W = a.dims[3], p.C_out = a.dims[4];
  p.kH = p.kW = a.dims[5], p.stride_h = p.stride_w = a.dims[6], p.pad_h = p.pad_w = a.dims[7];
  return run_conv(conv2d_op(), p, a);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string what = argc > 1 ? argv[1] : "";
    if (what == "gemm") return run_gemm(parse(argc, argv));
    if (what == "depthwise") return run_depthwise(parse(argc, argv));
    if (what == "conv2d") return run_conv2d(parse(argc, argv));
    throw std::invalid_argument(
        "name what to time: gemm M N K ..., depthwise N C H W K STRIDE ... or conv2d N C_IN H W C_OUT K STRIDE PAD "
        "...");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kernel_time: %s\n", e.what());
    return 2;
  }
}
