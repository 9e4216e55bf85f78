// The attention op table.
#include "kernels/attention.h"

#include "kernels/cpu/attention.h"
#include "kernels/reference/attention.h"

namespace thorax::kernels {

const Op<AttentionKernel>& attention_op() {
  static const Op<AttentionKernel> op{
      "attention",
      {{"reference", Backend::Reference, {ref::attention_forward<float>, ref::attention_backward<float>}},
       {"gemm_fused", Backend::CPU, {cpu::attention_forward, cpu::attention_backward}}},
      "gemm_fused"};
  return op;
}

void describe_attention(std::vector<VersionInfo>& out) { describe(attention_op(), out); }

}  // namespace thorax::kernels
