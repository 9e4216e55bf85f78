// The conv2d op table.
#include "kernels/conv2d.h"

#include "kernels/cpu/conv2d.h"
#include "kernels/reference/conv2d.h"

namespace thorax::kernels {

const Op<Conv2dKernel>& conv2d_op() {
  static const Op<Conv2dKernel> op{
      "conv2d",
      {{"reference", Backend::Reference,
        {ref::conv2d_forward<float>, ref::conv2d_backward_data<float>, ref::conv2d_backward_weight<float>}},
       {"im2col_gemm", Backend::CPU,
        {cpu::conv2d_im2col_forward, cpu::conv2d_im2col_backward_data, cpu::conv2d_im2col_backward_weight}}},
      "im2col_gemm"};
  return op;
}

void describe_conv2d(std::vector<VersionInfo>& out) { describe(conv2d_op(), out); }

}  // namespace thorax::kernels
