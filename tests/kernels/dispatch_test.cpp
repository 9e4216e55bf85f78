// The op tables with instruction-set versions (gemm, conv2d, depthwise_conv2d) register only what the CPU can
// run and default to the fastest of it. Checked on simulated CPUs, so the choice a baseline or
// AVX2-only machine would make is tested on this one too.
#include <doctest/doctest.h>

#include <string>

#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/gemm.h"

using namespace thorax::kernels;

namespace {

template <class Fn> std::string names(const Op<Fn>& op) {
  std::string s;
  for (const auto& v : op.versions) s += v.name + " ";
  return s;
}

struct Cpus {
  cpu::CpuFeatures baseline, avx2, avx512;
  Cpus() {
    avx2.avx2 = avx2.fma = true;
    avx512 = avx2;
    avx512.avx512f = avx512.avx512bw = avx512.avx512dq = avx512.avx512vl = true;
  }
};

// The table for `f` holds `expect` (in order), defaults to `default_cpu` and names the rest as unavailable.
template <class Fn>
void check_table(const Op<Fn>& op, const std::string& expect, const std::string& default_cpu, size_t unavailable,
                 const std::string& cpu) {
  INFO(op.name << " on a " << cpu << " cpu");
  CHECK(names(op) == expect);
  CHECK(op.default_cpu == default_cpu);
  CHECK(op.unavailable.size() == unavailable);
  for (const auto& u : op.unavailable) CHECK(u.find(": needs ") != std::string::npos);
}

}  // namespace

TEST_CASE("dispatch: gemm registers only versions the CPU can run, the fastest as default") {
  const Cpus c;
  check_table(make_gemm_op(c.baseline), "reference rows_omp ", "rows_omp", 2, "baseline");
  check_table(make_gemm_op(c.avx2), "reference rows_omp packed_avx2 ", "packed_avx2", 1, "avx2");
  check_table(make_gemm_op(c.avx512), "reference rows_omp packed_avx2 packed_avx512 ", "packed_avx512", 0, "avx512");
  const auto here = make_gemm_op(cpu::detect_cpu_features());
  CHECK(names(gemm_op()) == names(here));
  CHECK(gemm_op().default_cpu == here.default_cpu);
  MESSAGE("this cpu: " << cpu::describe(cpu::detect_cpu_features()) << "; gemm default: " << gemm_op().default_cpu);
}

TEST_CASE("dispatch: depthwise_conv2d registers only versions the CPU can run, the fastest as default") {
  const Cpus c;
  check_table(make_depthwise_conv2d_op(c.baseline), "reference direct ", "direct", 2, "baseline");
  check_table(make_depthwise_conv2d_op(c.avx2), "reference direct vec_avx2 ", "vec_avx2", 1, "avx2");
  check_table(make_depthwise_conv2d_op(c.avx512), "reference direct vec_avx2 vec_avx512 ", "vec_avx512", 0, "avx512");
  const auto here = make_depthwise_conv2d_op(cpu::detect_cpu_features());
  CHECK(names(depthwise_conv2d_op()) == names(here));
  CHECK(depthwise_conv2d_op().default_cpu == here.default_cpu);
  MESSAGE("depthwise_conv2d default: " << depthwise_conv2d_op().default_cpu);
}

TEST_CASE("dispatch: conv2d registers only versions the CPU can run, Winograd F(2×2, 3×3) as default") {
  const Cpus c;
  check_table(make_conv2d_op(c.baseline), "reference im2col_gemm ", "im2col_gemm", 6, "baseline");
  check_table(make_conv2d_op(c.avx2), "reference im2col_gemm implicit_avx2 winograd_f43_avx2 winograd_f23_avx2 ",
              "winograd_f23_avx2", 3, "avx2");
  check_table(make_conv2d_op(c.avx512),
              "reference im2col_gemm implicit_avx2 implicit_avx512 winograd_f43_avx2 winograd_f23_avx2 "
              "winograd_f43_avx512 winograd_f23_avx512 ",
              "winograd_f23_avx512", 0, "avx512");
  const auto here = make_conv2d_op(cpu::detect_cpu_features());
  CHECK(names(conv2d_op()) == names(here));
  CHECK(conv2d_op().default_cpu == here.default_cpu);
  MESSAGE("conv2d default: " << conv2d_op().default_cpu);
}
