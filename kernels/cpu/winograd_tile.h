// The tile transforms of the Winograd convolutions (kernels/cpu/conv2d_winograd.h), on channel-minor
// (NHWC) planes, vectorized across channels. F(m×m, 3×3) computes an m × m output tile from an a × a
// input patch d (a = m + 2) and a 3×3 kernel g as Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A: a² products instead of
// 9m². Two transforms:
//   F(4×4, 3×3), Lavin & Gray's points 0, ±1, ±2: 36 products for 16 outputs (4× fewer), but the
//     transforms scale values by up to 8 and back: about 8× the rounding error of a direct convolution;
//   F(2×2, 3×3), points 0, ±1: 16 products for 4 outputs (2.25× fewer), coefficients ±1 and ½: about
//     the rounding of a direct convolution.
// Element ξ = a·i + j of an a × a transform is row i, column j. The matrices are in winograd_simd.h.
// Each winograd_<isa>.cpp is compiled with its own -m flags and includes only this header and
// <immintrin.h> (the loops, written once, are in winograd_simd.h).
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

struct WinogradKernels {
  int64_t m, a;   // output tile m × m, input patch a × a (a = m + 2)
  int64_t lanes;  // channels per vector
  // V[ξ·vs + c] = (Bᵀ d B)_ξ, c < C, for the a × a patch at (ih0, iw0) of an H × W plane of `ld`-float
  // pixels (channel c at img[(ih·W + iw)·ld + c]); pixels outside the plane are zero.
  void (*input)(const float* img, int64_t H, int64_t W, int64_t ld, int64_t ih0, int64_t iw0, int64_t C, float* V,
                int64_t vs);
  // The m × m outputs (Aᵀ M A) of M[ξ·ms + c], c < C, written at (oh0, ow0) of an Ho × Wo plane of `ld`-float
  // pixels, those outside the plane dropped; plus bias[c] unless bias is null.
  void (*output)(const float* M, int64_t ms, int64_t C, float* out, int64_t Ho, int64_t Wo, int64_t ld, int64_t oh0,
                 int64_t ow0, const float* bias);
  // U[ξ·us + co] = (G g Gᵀ)_ξ for co < cols (zero for cols ≤ co < width), tap t of kernel co at g[t·ldg + co].
  void (*weight)(const float* g, int64_t ldg, int64_t cols, int64_t width, float* U, int64_t us);
  // The weight gradient's adjoints. dM[ξ·ms + c] = (A dY Aᵀ)_ξ for the m × m patch dY at (oh0, ow0) of an
  // Ho × Wo plane of `ld`-float pixels (zero outside), c < C.
  void (*output_adjoint)(const float* dy, int64_t Ho, int64_t Wo, int64_t ld, int64_t oh0, int64_t ow0, int64_t C,
                         float* dM, int64_t ms);
  // g[t·ldg + c] = (Gᵀ dU G)_t, tap t of the 3×3 gradient, from dU[ξ·us + c], c < C.
  void (*weight_adjoint)(const float* dU, int64_t us, int64_t C, float* g, int64_t ldg);
  // dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols.
  void (*transpose)(const float* src, int64_t lds, float* dst, int64_t ldd, int64_t rows, int64_t cols);
};

extern const WinogradKernels kWinograd43Avx2, kWinograd23Avx2;
extern const WinogradKernels kWinograd43Avx512, kWinograd23Avx512;

}  // namespace thorax::kernels::cpu
