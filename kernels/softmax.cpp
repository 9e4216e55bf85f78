// The softmax and log-softmax op tables.
#include "kernels/softmax.h"

#include <array>

#include "kernels/cpu/softmax.h"
#include "kernels/reference/softmax.h"

namespace thorax::kernels {

const char* softmax_name(SoftmaxOp op) { return op == SoftmaxOp::softmax ? "softmax" : "log_softmax"; }

const Op<SoftmaxKernel>& softmax_op(SoftmaxOp op) {
  static const auto table = [] {
    std::array<Op<SoftmaxKernel>, kSoftmaxOpCount> t;
    for (int i = 0; i < kSoftmaxOpCount; ++i)
      ref::visit_softmax(static_cast<SoftmaxOp>(i), [&]<SoftmaxOp OP>() {
        t[i] = {softmax_name(OP),
                {{"reference", Backend::Reference, {ref::softmax_forward<OP, float>, ref::softmax_backward<OP, float>}},
                 {"omp_rows", Backend::CPU, {cpu::softmax_forward<OP>, cpu::softmax_backward<OP>}}},
                "omp_rows"};
      });
    return t;
  }();
  return table[static_cast<int>(op)];
}

void describe_softmax(std::vector<VersionInfo>& out) {
  for (int i = 0; i < kSoftmaxOpCount; ++i) describe(softmax_op(static_cast<SoftmaxOp>(i)), out);
}

}  // namespace thorax::kernels
