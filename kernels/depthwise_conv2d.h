// Depthwise 2-d convolution: groups == C_in, each input channel ci convolved with its own `multiplier`
// filters into output channels ci·multiplier … ci·multiplier + multiplier − 1 (C_out = multiplier·C_in).
// MobileNet/EfficientNet blocks are made of these; im2col + GEMM handles them badly (one tiny GEMM per
// channel), so they get a dedicated op.
//
// Layout and signatures: those of conv2d (kernels/conv2d.h) with groups == C_in; w is (C_out, 1, kH, kW).
// FLOPs (forward, and each backward): 2·N·C_out·H_out·W_out·kH·kW.
// Limits: the caller checks groups == C_in and C_out % C_in == 0; kernels trust the shapes.
// Determinism: each output (and each weight gradient) is summed by one thread in a fixed order.
#pragma once
#include "kernels/conv2d.h"
#include "kernels/cpu/cpu_features.h"

namespace thorax::kernels {

// The table for a CPU with features `f`: versions it cannot run are left out (named in `unavailable`).
Op<Conv2dKernel> make_depthwise_conv2d_op(const cpu::CpuFeatures& f);
// The table for this CPU, built on first use.
const Op<Conv2dKernel>& depthwise_conv2d_op();
void describe_depthwise_conv2d(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
