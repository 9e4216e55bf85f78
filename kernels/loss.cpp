// The loss op tables.
#include "kernels/loss.h"

#include "kernels/cpu/loss.h"
#include "kernels/reference/loss.h"

namespace thorax::kernels {

const Op<BceKernel>& bce_with_logits_op() {
  static const Op<BceKernel> op{"bce_with_logits",
                                {{"reference", Backend::Reference, {ref::bce_forward<float>, ref::bce_backward<float>}},
                                 {"omp_simd", Backend::CPU, {cpu::bce_forward, cpu::bce_backward}}},
                                "omp_simd"};
  return op;
}

const Op<CrossEntropyKernel>& cross_entropy_op() {
  static const Op<CrossEntropyKernel> op{
      "cross_entropy",
      {{"reference", Backend::Reference, {ref::cross_entropy_forward<float>, ref::cross_entropy_backward<float>}},
       {"omp_rows", Backend::CPU, {cpu::cross_entropy_forward, cpu::cross_entropy_backward}}},
      "omp_rows"};
  return op;
}

void describe_loss(std::vector<VersionInfo>& out) {
  describe(bce_with_logits_op(), out);
  describe(cross_entropy_op(), out);
}

}  // namespace thorax::kernels
