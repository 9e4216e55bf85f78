// The NT-Xent op table.
#include "kernels/nt_xent.h"

#include "kernels/cpu/nt_xent.h"
#include "kernels/cpu/nt_xent_fused.h"
#include "kernels/reference/nt_xent.h"

namespace thorax::kernels {

Op<NtXentKernel> make_nt_xent_op(const cpu::CpuFeatures& f) {
  Op<NtXentKernel> op{
      "nt_xent",
      {{"reference", Backend::Reference, {ref::nt_xent_forward<float>, ref::nt_xent_forward_backward<float>}},
       {"gemm_fused", Backend::CPU, {cpu::nt_xent_forward, cpu::nt_xent_forward_backward}}},
      "gemm_fused"};
  // Listed slowest first: the default is the last one this CPU can run (compare_ntxent.py shows the order).
  if (f.has_avx2_fma()) {
    op.versions.push_back(
        {"fused_avx2", Backend::CPU, {cpu::nt_xent_forward_avx2, cpu::nt_xent_forward_backward_avx2}});
    op.default_cpu = "fused_avx2";
  } else {
    op.unavailable.push_back("fused_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back(
        {"fused_avx512", Backend::CPU, {cpu::nt_xent_forward_avx512, cpu::nt_xent_forward_backward_avx512}});
    op.default_cpu = "fused_avx512";
  } else {
    op.unavailable.push_back("fused_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

const Op<NtXentKernel>& nt_xent_op() {
  static const Op<NtXentKernel> op = make_nt_xent_op(cpu::detect_cpu_features());
  return op;
}

void describe_nt_xent(std::vector<VersionInfo>& out) { describe(nt_xent_op(), out); }

}  // namespace thorax::kernels
