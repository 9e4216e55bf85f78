// The AVX2 per-plane depthwise loops, for CPUs without AVX-512. Compiled with -mavx2 -mfma
// (kernels/CMakeLists.txt); called only when the CPU has them (kernels/depthwise_conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/depthwise_plane.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/depthwise_plane_simd.h"
#include "kernels/cpu/vec_avx2.h"

// The shared traits (vec_avx2.h) plus the lane shuffles of the stride-2 loops and a float64 lane sum
// (the weight gradients are accumulated in double).
struct PlaneAvx2 : Avx2 {
  static_assert(Avx2::lanes == kDepthwiseAvx2Lanes);
  static type odd(type lo, type hi) {
    const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    return _mm256_permute2f128_ps(_mm256_permutevar8x32_ps(lo, idx), _mm256_permutevar8x32_ps(hi, idx), 0x31);
  }
  // Lanes moved up by one, `first` in lane 0.
  static type shift_in(type v, float first) {
    const type up = _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6));
    return _mm256_blend_ps(up, _mm256_set1_ps(first), 1);
  }
  // e0 o0 e1 o1 … (the first L of the 2L lanes, then the last L).
  static type interleave_lo(type e, type o) {
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(e, o), _mm256_unpackhi_ps(e, o), 0x20);
  }
  static type interleave_hi(type e, type o) {
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(e, o), _mm256_unpackhi_ps(e, o), 0x31);
  }
  static double hsum(type v) {
    alignas(32) float lanes_[8];
    _mm256_store_ps(lanes_, v);
    double s = 0;
    for (float f : lanes_) s += f;
    return s;
  }
};

}  // namespace

void depthwise_plane_forward_avx2(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                  int64_t y_step, int64_t count, bool accumulate, const DepthwisePlaneGeometry& g) {
  plane_forward<PlaneAvx2>(x, x_step, w, bias, y, y_step, count, accumulate, g);
}

void depthwise_plane_weight_avx2(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                 double* gw, double* gb, const DepthwisePlaneGeometry& g) {
  plane_weight<PlaneAvx2>(x, x_step, gy, gy_step, count, gw, gb, g);
}

void depthwise_s2_forward_avx2(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                 int64_t y_step, int64_t count, const DepthwiseStride2Geometry& g) {
  plane_forward_s2<PlaneAvx2>(x, x_step, w, bias, y, y_step, count, g);
}

void depthwise_s2_data_avx2(const float* gy, int64_t gy_step, const float* w, float* gx, int64_t gx_step,
                              int64_t count, bool accumulate, const DepthwiseStride2Geometry& g) {
  plane_data_s2<PlaneAvx2>(gy, gy_step, w, gx, gx_step, count, accumulate, g);
}

void depthwise_s2_weight_avx2(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                              double* gw, double* gb, const DepthwiseStride2Geometry& g) {
  plane_weight_s2<PlaneAvx2>(x, x_step, gy, gy_step, count, gw, gb, g);
}

}  // namespace thorax::kernels::cpu
