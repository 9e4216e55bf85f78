// The NT-Xent op table.
#include "kernels/nt_xent.h"

#include "kernels/cpu/nt_xent.h"
#include "kernels/reference/nt_xent.h"

namespace thorax::kernels {

const Op<NtXentKernel>& nt_xent_op() {
  static const Op<NtXentKernel> op{
      "nt_xent",
      {{"reference", Backend::Reference, {ref::nt_xent_forward<float>, ref::nt_xent_backward<float>}},
       {"gemm_fused", Backend::CPU, {cpu::nt_xent_forward, cpu::nt_xent_backward}}},
      "gemm_fused"};
  return op;
}

void describe_nt_xent(std::vector<VersionInfo>& out) { describe(nt_xent_op(), out); }

}  // namespace thorax::kernels
