// The AVX-512 per-plane depthwise loops. Compiled with -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma
// (kernels/CMakeLists.txt); called only when the CPU has them (kernels/depthwise_conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/depthwise_plane.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/depthwise_plane_simd.h"
#include "kernels/cpu/vec_avx512.h"

// The shared traits (vec_avx512.h) plus the lane shuffles of the stride-2 loops and a float64 lane sum
// (the weight gradients are accumulated in double).
struct PlaneAvx512 : Avx512 {
  static_assert(Avx512::lanes == kDepthwiseAvx512Lanes);
  static type odd(type lo, type hi) {
    return _mm512_permutex2var_ps(lo, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), hi);
  }
  // Lanes moved up by one, `first` in lane 0.
  static type shift_in(type v, float first) {
    const __m512i idx = _mm512_setr_epi32(0, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
    return _mm512_permutex2var_ps(_mm512_set1_ps(first), idx, v);
  }
  // e0 o0 e1 o1 … (the first L of the 2L lanes, then the last L).
  static type interleave_lo(type e, type o) {
    return _mm512_permutex2var_ps(e, _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), o);
  }
  static type interleave_hi(type e, type o) {
    return _mm512_permutex2var_ps(e, _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31),
                                  o);
  }
  static double hsum(type v) {
    alignas(64) float lanes_[16];
    _mm512_store_ps(lanes_, v);
    double s = 0;
    for (float f : lanes_) s += f;
    return s;
  }
};

}  // namespace

void depthwise_plane_forward_avx512(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                  int64_t y_step, int64_t count, bool accumulate, const DepthwisePlaneGeometry& g) {
  plane_forward<PlaneAvx512>(x, x_step, w, bias, y, y_step, count, accumulate, g);
}

void depthwise_plane_weight_avx512(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                   double* gw, double* gb, const DepthwisePlaneGeometry& g) {
  plane_weight<PlaneAvx512>(x, x_step, gy, gy_step, count, gw, gb, g);
}

void depthwise_s2_forward_avx512(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                 int64_t y_step, int64_t count, const DepthwiseStride2Geometry& g) {
  plane_forward_s2<PlaneAvx512>(x, x_step, w, bias, y, y_step, count, g);
}

void depthwise_s2_data_avx512(const float* gy, int64_t gy_step, const float* w, float* gx, int64_t gx_step,
                              int64_t count, bool accumulate, const DepthwiseStride2Geometry& g) {
  plane_data_s2<PlaneAvx512>(gy, gy_step, w, gx, gx_step, count, accumulate, g);
}

void depthwise_s2_weight_avx512(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                double* gw, double* gb, const DepthwiseStride2Geometry& g) {
  plane_weight_s2<PlaneAvx512>(x, x_step, gy, gy_step, count, gw, gb, g);
}

}  // namespace thorax::kernels::cpu
