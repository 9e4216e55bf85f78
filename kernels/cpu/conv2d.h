// CPU convolution, version "im2col_gemm": each sample's receptive fields are unfolded into a matrix
// (im2col) so that the convolution is one GEMM per group, run on the registry's default CPU GEMM.
// 1×1, stride-1, unpadded convolutions are already a GEMM on the input and skip the unfolding.
// Backward-data is GEMM + col2im (fold, summing overlaps); backward-weight is im2col + GEMM.
// Threads: over the batch (one unfold buffer per thread, the GEMM then single-threaded); a batch of one
// leaves the threads to the GEMM. The weight gradient sums fixed batch chunks in chunk order, so the
// result does not depend on the thread count.
// Small output maps (≤ 256 pixels, ResNet's 14×14 and 7×7 stages) instead unfold the whole batch into
// one matrix and run one multi-threaded GEMM per group over N·plane columns: a per-sample GEMM there
// would re-read the whole weight matrix for a few dozen columns, and the weight gradient's inner size
// would be one plane.
#pragma once
#include "kernels/conv2d.h"

namespace thorax::kernels::cpu {

void conv2d_im2col_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p);
void conv2d_im2col_backward_data(const float* gy, const float* w, float* gx, const Conv2dParams& p);
void conv2d_im2col_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p);

// gb = gy summed over the batch and the output pixels, per output channel (float per plane, then
// double across the batch). Shared by every CPU version.
void conv2d_bias_gradient(const float* gy, float* gb, const Conv2dParams& p);

}  // namespace thorax::kernels::cpu
