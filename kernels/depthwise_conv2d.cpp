// The depthwise_conv2d op table.
#include "kernels/depthwise_conv2d.h"

#include "kernels/cpu/depthwise_conv2d.h"
#include "kernels/cpu/depthwise_conv2d_vec.h"
#include "kernels/reference/depthwise_conv2d.h"

namespace thorax::kernels {

Op<Conv2dKernel> make_depthwise_conv2d_op(const cpu::CpuFeatures& f) {
  Op<Conv2dKernel> op{
      "depthwise_conv2d",
      {{"reference", Backend::Reference,
        {ref::depthwise_conv2d_forward<float>, ref::depthwise_conv2d_backward_data<float>,
         ref::depthwise_conv2d_backward_weight<float>}},
       {"direct", Backend::CPU,
        {cpu::depthwise_conv2d_forward, cpu::depthwise_conv2d_backward_data, cpu::depthwise_conv2d_backward_weight}}},
      "direct"};
  // Listed slowest first: the default is the last one this CPU can run.
  if (f.has_avx2_fma()) {
    op.versions.push_back({"vec_avx2", Backend::CPU,
                           {cpu::depthwise_conv2d_forward_avx2, cpu::depthwise_conv2d_backward_data_avx2,
                            cpu::depthwise_conv2d_backward_weight_avx2}});
    op.default_cpu = "vec_avx2";
  } else {
    op.unavailable.push_back("vec_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back({"vec_avx512", Backend::CPU,
                           {cpu::depthwise_conv2d_forward_avx512, cpu::depthwise_conv2d_backward_data_avx512,
                            cpu::depthwise_conv2d_backward_weight_avx512}});
    op.default_cpu = "vec_avx512";
  } else {
    op.unavailable.push_back("vec_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

const Op<Conv2dKernel>& depthwise_conv2d_op() {
  static const Op<Conv2dKernel> op = make_depthwise_conv2d_op(cpu::detect_cpu_features());
  return op;
}

void describe_depthwise_conv2d(std::vector<VersionInfo>& out) { describe(depthwise_conv2d_op(), out); }

}  // namespace thorax::kernels
