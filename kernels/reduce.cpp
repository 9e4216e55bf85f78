// The reduction op tables.
#include "kernels/reduce.h"

#include <array>

#include "kernels/cpu/reduce.h"
#include "kernels/reference/reduce.h"

namespace thorax::kernels {

const char* reduce_name(ReduceOp op) {
  static const char* names[] = {"sum", "mean", "max", "min", "var"};
  return names[static_cast<int>(op)];
}

const Op<ReduceKernel>& reduce_op(ReduceOp op) {
  static const auto table = [] {
    std::array<Op<ReduceKernel>, kReduceOpCount> t;
    for (int i = 0; i < kReduceOpCount; ++i)
      ref::visit_reduce(static_cast<ReduceOp>(i), [&]<ReduceOp OP>() {
        t[i] = {reduce_name(OP),
                {{"reference", Backend::Reference, {ref::reduce_forward<OP, float>, ref::reduce_backward<OP, float>}},
                 {"omp_rows", Backend::CPU, {cpu::reduce_forward<OP>, cpu::reduce_backward<OP>}}},
                "omp_rows"};
      });
    return t;
  }();
  return table[static_cast<int>(op)];
}

void describe_reduce(std::vector<VersionInfo>& out) {
  for (int i = 0; i < kReduceOpCount; ++i) describe(reduce_op(static_cast<ReduceOp>(i)), out);
}

}  // namespace thorax::kernels
