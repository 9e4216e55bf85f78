// The pooling op tables.
#include "kernels/pool2d.h"

#include "kernels/cpu/pool2d.h"
#include "kernels/reference/pool2d.h"

namespace thorax::kernels {

const Op<MaxPool2dKernels<float>>& max_pool2d_op() {
  static const Op<MaxPool2dKernels<float>> op{
      "max_pool2d",
      {{"reference", Backend::Reference, {ref::max_pool2d_forward<float>, ref::max_pool2d_backward<float>}},
       {"omp_planes", Backend::CPU, {cpu::max_pool2d_forward, cpu::max_pool2d_backward}}},
      "omp_planes"};
  return op;
}

const Op<AvgPool2dKernels<float>>& avg_pool2d_op() {
  static const Op<AvgPool2dKernels<float>> op{
      "avg_pool2d",
      {{"reference", Backend::Reference, {ref::avg_pool2d_forward<float>, ref::avg_pool2d_backward<float>}},
       {"omp_planes", Backend::CPU, {cpu::avg_pool2d_forward, cpu::avg_pool2d_backward}}},
      "omp_planes"};
  return op;
}

const Op<AdaptiveAvgPool2dKernels<float>>& adaptive_avg_pool2d_op() {
  static const Op<AdaptiveAvgPool2dKernels<float>> op{
      "adaptive_avg_pool2d",
      {{"reference", Backend::Reference,
        {ref::adaptive_avg_pool2d_forward<float>, ref::adaptive_avg_pool2d_backward<float>}},
       {"omp_planes", Backend::CPU, {cpu::adaptive_avg_pool2d_forward, cpu::adaptive_avg_pool2d_backward}}},
      "omp_planes"};
  return op;
}

void describe_pool2d(std::vector<VersionInfo>& out) {
  describe(max_pool2d_op(), out);
  describe(avg_pool2d_op(), out);
  describe(adaptive_avg_pool2d_op(), out);
}

}  // namespace thorax::kernels
