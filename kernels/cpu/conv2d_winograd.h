// CPU convolution, versions "winograd_f23_<isa>" and "winograd_f43_<isa>" (avx2, avx512): 3×3 kernels with
// stride 1 and dilation 1 (padding up to 2, at least 16 channels per group in and out) by Winograd
// F(2×2, 3×3) or F(4×4, 3×3) (kernels/cpu/winograd_tile.h): 16 multiplications per 2×2 output tile
// instead of 36, or 36 per 4×4 tile instead of 144. Every other shape runs the implicit-GEMM version of
// the same instruction set (kernels/cpu/conv2d_implicit.h).
//
// Forward, for a chunk of samples at a time: the input is reordered channel-minor (NHWC); for a block of
// tiles, each a × a input patch is transformed (V, a² values per channel, vectorized across channels);
// a² GEMMs, one per transform element ξ, multiply V_ξ (tiles × C_in) by the transformed kernels U_ξ
// (C_in × C_out, transformed and packed once per call, or per task for each task's output channels when
// they would take over 8 MB) on the packed GEMM's micro-kernel; each tile's a² products are transformed
// back into its m × m outputs, and the chunk is reordered back to NCHW.
// Backward-data is the forward pass of gy with the kernels turned 180° and C_in, C_out swapped
// (padding 2 − pad). Backward-weight transforms input patches (V) and output-gradient tiles
// (A·gy·Aᵀ), accumulates dU_ξ = Σ_tiles dM_ξᵀ·V_ξ (one GEMM per ξ and tile block, blocks in order), and
// maps dU back to 3×3 gradients (Gᵀ·dU·G).
// Scratch: the transformed kernels (a²/9 times the weights; the weight gradient's dU as much again), the
// reordered chunk (≤ 8 MB of input and output unless one sample is larger) and a tile block's
// transforms per thread (≤ 2 MB).
// Threads: tile blocks (and output-channel ranges when there are few blocks); the weight gradient's
// GEMMs over ξ. Deterministic: every sum runs in a fixed order (K blocks, tile blocks) whatever the
// thread count. Numerics: F(2×2) stays within about twice a direct convolution's rounding; F(4×4) about
// 8× (measured rms on unit inputs: 6e-7 of max|y| against 7e-8), which is why F(2×2) is the default.
// FLOPs: those of kernels/conv2d.h (the direct count; Winograd does fewer).
#pragma once
#include "kernels/conv2d.h"

namespace thorax::kernels::cpu {

// True when the Winograd path handles this shape (otherwise the implicit GEMM does).
bool winograd_applies(const Conv2dParams& p);

// The registered versions: "winograd_f23_<isa>" and "winograd_f43_<isa>" (suffix _f23_avx2 …).
#define THORAX_WINOGRAD_VERSION(suffix)                                                                            \
  void conv2d_winograd##suffix##_forward(const float* x, const float* w, const float* bias, float* y,              \
                                         const Conv2dParams& p);                                                   \
  void conv2d_winograd##suffix##_backward_data(const float* gy, const float* w, float* gx, const Conv2dParams& p); \
  void conv2d_winograd##suffix##_backward_weight(const float* x, const float* gy, float* gw, float* gb,            \
                                                 const Conv2dParams& p);
THORAX_WINOGRAD_VERSION(_f43_avx2)
THORAX_WINOGRAD_VERSION(_f23_avx2)
THORAX_WINOGRAD_VERSION(_f43_avx512)
THORAX_WINOGRAD_VERSION(_f23_avx512)
#undef THORAX_WINOGRAD_VERSION

}  // namespace thorax::kernels::cpu
