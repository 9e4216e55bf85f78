// The AVX-512 packing loops of the implicit-GEMM convolution, for the 8×48 micro-kernel. Compiled with
// -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma (kernels/CMakeLists.txt); called only when the CPU
// has them (kernels/conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/conv2d_pack.h"
#include "kernels/cpu/gemm_block.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/conv2d_pack_simd.h"
#include "kernels/cpu/vec_avx512.h"

struct Avx512Pack : Avx512 {
  static constexpr bool has_transpose8 = true;
  // dst[8i + r] = src[r·ld + i] for r, i < 8.
  static void transpose8(const float* src, int64_t ld, float* dst) {
    __m256 r[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ld);
    transpose_8x8(r);
    for (int i = 0; i < 8; ++i) _mm256_storeu_ps(dst + 8 * i, r[i]);
  }
};

void view(float* Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t kc, int64_t nc) {
  pack_view<Avx512Pack, kAvx512NR>(Bp, v, segs, n_segs, r0, kc, nc);
}
void view_transposed(float* Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t nc,
                     int64_t kc) {
  pack_view_transposed<Avx512Pack, kAvx512NR>(Bp, v, segs, n_segs, r0, nc, kc);
}
void gy(float* Ap, const float* g, int64_t sample, int64_t grid, int64_t M, int64_t j0, int64_t kc) {
  pack_gy<Avx512Pack, kAvx512MR>(Ap, g, sample, grid, M, j0, kc);
}

}  // namespace

const ConvPackers kConvPackAvx512{view, view_transposed, gy};

}  // namespace thorax::kernels::cpu
