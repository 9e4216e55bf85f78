// The AVX2 packing loops of the implicit-GEMM convolution, for the 6×16 micro-kernel. Compiled with
// -mavx2 -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/conv2d_pack.h"
#include "kernels/cpu/gemm_block.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/conv2d_pack_simd.h"
#include "kernels/cpu/vec_avx2.h"

struct Avx2Pack : Avx2 {
  // pack_gy's 8 × 8 blocks need an 8-row panel; this micro-kernel's has 6.
  static constexpr bool has_transpose8 = false;
};

void view(float* Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t kc, int64_t nc) {
  pack_view<Avx2Pack, kAvx2NR>(Bp, v, segs, n_segs, r0, kc, nc);
}
void view_transposed(float* Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t nc,
                     int64_t kc) {
  pack_view_transposed<Avx2Pack, kAvx2NR>(Bp, v, segs, n_segs, r0, nc, kc);
}
void gy(float* Ap, const float* g, int64_t sample, int64_t grid, int64_t M, int64_t j0, int64_t kc) {
  pack_gy<Avx2Pack, kAvx2MR>(Ap, g, sample, grid, M, j0, kc);
}

}  // namespace

const ConvPackers kConvPackAvx2{view, view_transposed, gy};

}  // namespace thorax::kernels::cpu
