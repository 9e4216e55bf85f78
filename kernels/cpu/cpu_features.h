// The instruction-set extensions this CPU (and its OS) can run, detected once at run time. thorax is
// compiled for baseline x86-64; the op tables register a vectorized kernel version only when the
// features it was compiled for are present, so AVX-512 code never runs on a machine without it.
#pragma once
#include <string>

namespace thorax::kernels::cpu {

struct CpuFeatures {
  bool avx2 = false, fma = false;                                      // Haswell and later, Zen 1 and later
  bool avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false;  // Skylake-SP, Zen 4 and later
  bool avx512bf16 = false;

  // What the "avx2" and "avx512" kernel files are compiled with (kernels/CMakeLists.txt).
  bool has_avx2_fma() const { return avx2 && fma; }
  bool has_avx512() const { return has_avx2_fma() && avx512f && avx512bw && avx512dq && avx512vl; }
};

// Asks cpuid (through the compiler's __builtin_cpu_supports, which also checks that the OS saves the
// vector registers). Cheap; callers keep the result rather than asking per call.
CpuFeatures detect_cpu_features();

// "avx2 fma avx512f avx512bw avx512dq avx512vl avx512bf16" (the detected ones), for listings and bench context.
std::string describe(const CpuFeatures& f);

}  // namespace thorax::kernels::cpu
