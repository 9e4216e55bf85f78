// The dropout op table.
#include "kernels/dropout.h"

#include "kernels/cpu/dropout.h"
#include "kernels/reference/dropout.h"

namespace thorax::kernels {

const Op<DropoutKernel>& dropout_op() {
  static const Op<DropoutKernel> op{
      "dropout",
      {{"reference", Backend::Reference, {ref::dropout_forward<float>, ref::dropout_apply<float>}},
       {"omp_blocks", Backend::CPU, {cpu::dropout_forward, cpu::dropout_apply}}},
      "omp_blocks"};
  return op;
}

void describe_dropout(std::vector<VersionInfo>& out) { describe(dropout_op(), out); }

}  // namespace thorax::kernels
