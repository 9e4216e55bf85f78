// The GEMM op table.
#include "kernels/gemm.h"

#include "kernels/cpu/gemm.h"
#include "kernels/reference/gemm.h"

namespace thorax::kernels {

const Op<GemmFn<float>>& gemm_op() {
  static const Op<GemmFn<float>> op{
      "gemm",
      {{"reference", Backend::Reference, ref::gemm<float>}, {"rows_omp", Backend::CPU, cpu::gemm_rows_omp}},
      "rows_omp"};
  return op;
}

void describe_gemm(std::vector<VersionInfo>& out) { describe(gemm_op(), out); }

}  // namespace thorax::kernels
