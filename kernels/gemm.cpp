// The GEMM op table.
#include "kernels/gemm.h"

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/gemm_packed.h"
#include "kernels/reference/gemm.h"

namespace thorax::kernels {

Op<GemmFn<float>> make_gemm_op(const cpu::CpuFeatures& f) {
  Op<GemmFn<float>> op{
      "gemm",
      {{"reference", Backend::Reference, ref::gemm<float>}, {"rows_omp", Backend::CPU, cpu::gemm_rows_omp}},
      "rows_omp"};
  // Listed slowest first: the default is the last one this CPU can run (kernel_bench shows the order).
  if (f.has_avx2_fma()) {
    op.versions.push_back({"packed_avx2", Backend::CPU, cpu::gemm_packed_avx2});
    op.default_cpu = "packed_avx2";
  } else {
    op.unavailable.push_back("packed_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back({"packed_avx512", Backend::CPU, cpu::gemm_packed_avx512});
    op.default_cpu = "packed_avx512";
  } else {
    op.unavailable.push_back("packed_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

const Op<GemmFn<float>>& gemm_op() {
  static const Op<GemmFn<float>> op = make_gemm_op(cpu::detect_cpu_features());
  return op;
}

void describe_gemm(std::vector<VersionInfo>& out) { describe(gemm_op(), out); }

}  // namespace thorax::kernels
