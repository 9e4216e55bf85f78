// The conv2d op table.
#include "kernels/conv2d.h"

#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/conv2d_implicit.h"
#include "kernels/cpu/conv2d_winograd.h"
#include "kernels/reference/conv2d.h"

namespace thorax::kernels {

Op<Conv2dKernel> make_conv2d_op(const cpu::CpuFeatures& f) {
  Op<Conv2dKernel> op{
      "conv2d",
      {{"reference",
        Backend::Reference,
        {ref::conv2d_forward<float>, ref::conv2d_backward_data<float>, ref::conv2d_backward_weight<float>}},
       {"im2col_gemm",
        Backend::CPU,
        {cpu::conv2d_im2col_forward, cpu::conv2d_im2col_backward_data, cpu::conv2d_im2col_backward_weight}}},
      "im2col_gemm"};
  // Listed slowest first: the default is the last one this CPU can run (compare_conv.py shows the order).
  if (f.has_avx2_fma()) {
    op.versions.push_back({"implicit_avx2",
                           Backend::CPU,
                           {cpu::conv2d_implicit_forward_avx2, cpu::conv2d_implicit_backward_data_avx2,
                            cpu::conv2d_implicit_backward_weight_avx2}});
    op.default_cpu = "implicit_avx2";
  } else {
    op.unavailable.push_back("implicit_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back({"implicit_avx512",
                           Backend::CPU,
                           {cpu::conv2d_implicit_forward_avx512, cpu::conv2d_implicit_backward_data_avx512,
                            cpu::conv2d_implicit_backward_weight_avx512}});
    op.default_cpu = "implicit_avx512";
  } else {
    op.unavailable.push_back("implicit_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  // Winograd: F(4×4, 3×3) first (faster, but about 8× a direct convolution's rounding error), F(2×2, 3×3)
  // last, the default (kernels/cpu/conv2d_winograd.h).
  if (f.has_avx2_fma()) {
    op.versions.push_back({"winograd_f43_avx2",
                           Backend::CPU,
                           {cpu::conv2d_winograd_f43_avx2_forward, cpu::conv2d_winograd_f43_avx2_backward_data,
                            cpu::conv2d_winograd_f43_avx2_backward_weight}});
    op.versions.push_back({"winograd_f23_avx2",
                           Backend::CPU,
                           {cpu::conv2d_winograd_f23_avx2_forward, cpu::conv2d_winograd_f23_avx2_backward_data,
                            cpu::conv2d_winograd_f23_avx2_backward_weight}});
    op.default_cpu = "winograd_f23_avx2";
  } else {
    op.unavailable.push_back("winograd_f43_avx2: needs avx2 fma");
    op.unavailable.push_back("winograd_f23_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back({"winograd_f43_avx512",
                           Backend::CPU,
                           {cpu::conv2d_winograd_f43_avx512_forward, cpu::conv2d_winograd_f43_avx512_backward_data,
                            cpu::conv2d_winograd_f43_avx512_backward_weight}});
    op.versions.push_back({"winograd_f23_avx512",
                           Backend::CPU,
                           {cpu::conv2d_winograd_f23_avx512_forward, cpu::conv2d_winograd_f23_avx512_backward_data,
                            cpu::conv2d_winograd_f23_avx512_backward_weight}});
    op.default_cpu = "winograd_f23_avx512";
  } else {
    op.unavailable.push_back("winograd_f43_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
    op.unavailable.push_back("winograd_f23_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

const Op<Conv2dKernel>& conv2d_op() {
  static const Op<Conv2dKernel> op = make_conv2d_op(cpu::detect_cpu_features());
  return op;
}

void describe_conv2d(std::vector<VersionInfo>& out) { describe(conv2d_op(), out); }

}  // namespace thorax::kernels
