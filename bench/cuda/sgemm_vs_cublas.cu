// thorax's SGEMM versions (kernels/cuda/gemm.cu: v1 naive, v2 shared-memory tiles, v3 register blocking with
// float4 loads) against cublasSgemm, on GEMMs the models of thorax run: GFLOP/s, % of the GPU's FP32 peak,
// and each version's largest difference from cuBLAS. FLOP = 2 M N K. Needs a GPU (bench_device.h).
//
//   build/bench/cuda/sgemm_vs_cublas [--repeats 20] [--warmup 3]
#include <cublas_v2.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bench/cuda/bench_device.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/stream.h"

namespace {

using namespace thorax::cuda;
using namespace thorax::cuda::bench;

struct GemmShape {
  const char* what;
  int M, N, K;
};

// Row-major C (M x N) = A (M x K) B (K x N). Convolutions appear as their implicit GEMM: M = C_out,
// N = batch x H_out x W_out, K = C_in x kH x kW.
const GemmShape kShapes[] = {
    {"resnet18 layer1 3x3 conv, batch 8", 64, 8 * 56 * 56, 64 * 9},
    {"resnet50 1x1 conv 256->64, batch 8", 64, 8 * 56 * 56, 256},
    {"resnet18 layer4 3x3 conv, batch 8", 512, 8 * 7 * 7, 512 * 9},
    {"LSTM input GEMM, 64 steps x 32, 256->4x256", 64 * 32, 4 * 256, 256},
    {"densenet121 classifier, batch 64, 14 labels", 64, 14, 1024},
    {"square 1024", 1024, 1024, 1024},
    {"square 4096", 4096, 4096, 4096},
};

void check_cublas(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + " failed: " + cublasGetStatusString(s));
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse_options(argc, argv, "sgemm_vs_cublas");
  const Peak peak = open_device("sgemm_vs_cublas", o);
  std::printf("median of %d timed runs after %d warm-up; FLOP = 2 M N K; error = max|C - C_cublas| / max|C_cublas|\n\n",
              o.repeats, o.warmup);

  cublasHandle_t handle;
  check_cublas(cublasCreate(&handle), "cublasCreate");
  check_cublas(cublasSetStream(handle, current_stream()), "cublasSetStream");
  // Plain FP32 FMA, as ours: the default math mode never uses TF32 tensor cores for cublasSgemm.
  check_cublas(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");

  std::printf("%-44s %5s %6s %5s  %-26s %9s %9s %7s %9s\n", "shape", "M", "N", "K", "version", "ms", "GFLOP/s", "% peak",
              "error");
  bool all_agree = true;
  for (const GemmShape& s : kShapes) {
    const std::size_t m = s.M, n = s.N, k = s.K;
    DeviceBuffer<float> A(uniform_floats(m * k, 1)), B(uniform_floats(k * n, 2)), C(m * n);
    const double flop = 2.0 * m * n * k;

    // Row-major C = A B is column-major C^T = B^T A^T: cuBLAS multiplies the same buffers with the
    // operands swapped, no transposes.
    const float one = 1.0f, zero = 0.0f;
    auto cublas = [&] {
      check_cublas(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, s.N, s.M, s.K, &one, B.data(), s.N, A.data(), s.K,
                               &zero, C.data(), s.N),
                   "cublasSgemm");
    };
    cublas();
    const std::vector<float> want = C.download();

    struct Version {
      std::string name;
      std::function<void()> run;
    };
    const std::vector<Version> versions = {
        {"v1 naive 16x16", [&] { sgemm_naive(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N); }},
        {"v2 tiled 16", [&] { sgemm_tiled(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N, 16); }},
        {"v2 tiled 32", [&] { sgemm_tiled(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N, 32); }},
        {std::string("v3 register blocked 64") + (sgemm_vector_loads(A.data(), s.K, B.data(), s.N) ? " f4" : ""),
         [&] { sgemm_register_blocked(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N, 64); }},
        {"cublasSgemm", cublas},
    };
    for (const Version& v : versions) {
      const double ms = median_ms(v.run, o);
      v.run();
      const double err = max_relative_error(C.download(), want);
      // FP32 sums of up to 4096 products in a different order: agreement to 1e-4 of the largest output.
      if (err > 1e-4) all_agree = false;
      const double g = gflop_per_s(flop, ms);
      std::printf("%-44s %5d %6d %5d  %-26s %9.3f %9.1f %7s %9.1e\n", s.what, s.M, s.N, s.K, v.name.c_str(), ms, g,
                  percent_of_peak(g, peak).c_str(), err);
    }
    std::printf("\n");
  }
  cublasDestroy(handle);
  const AllocatorStats a = device_allocator().stats();
  std::printf("device allocator: peak %.1f MiB in use, %lld cudaMalloc calls, %lld reuses from its cache\n",
              a.peak_bytes_in_use / 1048576.0, static_cast<long long>(a.raw_allocations),
              static_cast<long long>(a.cache_hits));
  if (!all_agree) {
    std::printf("sgemm_vs_cublas: a thorax SGEMM differs from cuBLAS by more than 1e-4 of the largest output (the error "
                "column above).\n");
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "sgemm_vs_cublas: %s\n", e.what());
  return 1;
}
