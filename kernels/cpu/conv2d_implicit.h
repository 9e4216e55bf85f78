// CPU convolution, versions "implicit_avx2" and "implicit_avx512": implicit GEMM on the packed GEMM's
// micro-kernels (kernels/cpu/gemm_block.h). No unfolded (im2col) matrix is stored: the GEMM's panels
// are packed straight from the image, one L2-sized block at a time, and results are written straight
// into the output planes (through a block-sized buffer only where a block of columns spans samples or
// strided positions).
//
// Each pass is a product with an implicit matrix V(img) whose row (c, ti, tj) and column (n, a, b) hold
// img[n][c][a·sh + off_h[ti]][b·sw + off_w[tj]] (0 outside the image):
//   forward          y_g = W_g · V(x_g), columns the output pixels, off_h[ki] = ki·dh − ph (same for w);
//   backward-data    gx_g = W'_g · V(gy_g) at stride 1: input row a takes kernel row ki from gy row
//                    a + ph − ki·dh, so the transposed convolution is a correlation of gy with
//                    W' = Wᵀ (offsets ph − ki·dh); other strides, and fewer than 16 input channels,
//                    run the unfolding GEMM's backward-data (kernels/cpu/conv2d.h);
//   backward-weight  gw_g = gy_g · V(x_g)ᵀ, the inner sum over every output pixel of the batch, packed
//                    transposed; split into at most 4 fixed chunks of pixels whose partial sums are
//                    added in chunk order.
// Threads: the columns (pixels, or for the weight gradient the taps) are cut into tasks handed out
// dynamically; large maps keep each task inside one sample so it writes its output in place, small
// maps (below ~90% panel fill, e.g. 14×14 and 7×7 for AVX-512) let a task's columns span samples.
// Deterministic: every output element is summed in a fixed order (K blocks and pixel chunks depend on
// the shape only), whatever the thread count. FLOPs: those of kernels/conv2d.h.
#pragma once
#include "kernels/conv2d.h"

namespace thorax::kernels::cpu {

// The registered versions. Each may run only on a CPU with its instruction set (cpu_features.h).
void conv2d_implicit_forward_avx2(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p);
void conv2d_implicit_backward_data_avx2(const float* gy, const float* w, float* gx, const Conv2dParams& p);
void conv2d_implicit_backward_weight_avx2(const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p);
void conv2d_implicit_forward_avx512(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p);
void conv2d_implicit_backward_data_avx512(const float* gy, const float* w, float* gx, const Conv2dParams& p);
void conv2d_implicit_backward_weight_avx512(const float* x, const float* gy, float* gw, float* gb,
                                            const Conv2dParams& p);

}  // namespace thorax::kernels::cpu
