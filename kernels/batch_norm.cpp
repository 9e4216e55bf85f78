// The batch normalization op table.
#include "kernels/batch_norm.h"

#include "kernels/cpu/batch_norm.h"
#include "kernels/reference/batch_norm.h"

namespace thorax::kernels {

const Op<BatchNormKernel>& batch_norm_op() {
  static const Op<BatchNormKernel> op{
      "batch_norm",
      {{"reference", Backend::Reference, {ref::batch_norm_forward<float>, ref::batch_norm_backward<float>}},
       {"omp_rows", Backend::CPU, {cpu::batch_norm_forward, cpu::batch_norm_backward}}},
      "omp_rows"};
  return op;
}

void describe_batch_norm(std::vector<VersionInfo>& out) { describe(batch_norm_op(), out); }

}  // namespace thorax::kernels
