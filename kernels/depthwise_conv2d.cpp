// The depthwise_conv2d op table.
#include "kernels/depthwise_conv2d.h"

#include "kernels/cpu/depthwise_conv2d.h"
#include "kernels/reference/depthwise_conv2d.h"

namespace thorax::kernels {

const Op<Conv2dKernel>& depthwise_conv2d_op() {
  static const Op<Conv2dKernel> op{
      "depthwise_conv2d",
      {{"reference", Backend::Reference,
        {ref::depthwise_conv2d_forward<float>, ref::depthwise_conv2d_backward_data<float>,
         ref::depthwise_conv2d_backward_weight<float>}},
       {"direct", Backend::CPU,
        {cpu::depthwise_conv2d_forward, cpu::depthwise_conv2d_backward_data, cpu::depthwise_conv2d_backward_weight}}},
      "direct"};
  return op;
}

void describe_depthwise_conv2d(std::vector<VersionInfo>& out) { describe(depthwise_conv2d_op(), out); }

}  // namespace thorax::kernels
