// The resampling op tables.
#include "kernels/upsample.h"

#include "kernels/cpu/upsample.h"
#include "kernels/reference/upsample.h"

namespace thorax::kernels {

const Op<Upsample2dKernels<float>>& upsample_nearest_op() {
  static const Op<Upsample2dKernels<float>> op{
      "upsample_nearest",
      {{"reference", Backend::Reference, {ref::upsample_nearest_forward<float>, ref::upsample_nearest_backward<float>}},
       {"omp_planes", Backend::CPU, {cpu::upsample_nearest_forward, cpu::upsample_nearest_backward}}},
      "omp_planes"};
  return op;
}

const Op<Upsample2dKernels<float>>& upsample_bilinear_op() {
  static const Op<Upsample2dKernels<float>> op{
      "upsample_bilinear",
      {{"reference", Backend::Reference,
        {ref::upsample_bilinear_forward<float>, ref::upsample_bilinear_backward<float>}},
       {"omp_planes", Backend::CPU, {cpu::upsample_bilinear_forward, cpu::upsample_bilinear_backward}}},
      "omp_planes"};
  return op;
}

void describe_upsample(std::vector<VersionInfo>& out) {
  describe(upsample_nearest_op(), out);
  describe(upsample_bilinear_op(), out);
}

}  // namespace thorax::kernels
