// The AVX2 vector traits shared by the kernels/cpu/*_avx2.cpp files: included inside each file's
// unnamed namespace (after <immintrin.h>), so every use stays local to code compiled for AVX2.
#pragma once

// Rows r0 … r7 (8 floats each) → columns, in place.
inline void transpose_8x8(__m256 r[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2)
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]), t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44), u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44), u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i)
    r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20), r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
}

struct Avx2 {
  using type = __m256;
  static constexpr int64_t lanes = 8;
  static constexpr uint32_t all = 0xFF;
  // Lane i of the mask is all ones when bit i is set (the form vmaskmovps wants).
  static __m256i lane_mask(uint32_t bits) {
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), bit), bit);
  }
  static type zero() { return _mm256_setzero_ps(); }
  static type set1(float v) { return _mm256_set1_ps(v); }
  static type loadu(const float* p) { return _mm256_loadu_ps(p); }
  // Masked-off lanes are zero and never touch memory, so they may point outside the buffer.
  static type load_bits(const float* p, uint32_t bits) { return _mm256_maskload_ps(p, lane_mask(bits)); }
  static void storeu(float* p, type v) { _mm256_storeu_ps(p, v); }
  static void store_bits(float* p, type v, uint32_t bits) { _mm256_maskstore_ps(p, lane_mask(bits), v); }
  static type add(type a, type b) { return _mm256_add_ps(a, b); }
  static type sub(type a, type b) { return _mm256_sub_ps(a, b); }
  static type mul(type a, type b) { return _mm256_mul_ps(a, b); }
  static type fma(type a, type b, type c) { return _mm256_fmadd_ps(a, b, c); }    // a·b + c
  static type fnma(type a, type b, type c) { return _mm256_fnmadd_ps(a, b, c); }  // c − a·b
  static type max(type a, type b) { return _mm256_max_ps(a, b); }
  static type div(type a, type b) { return _mm256_div_ps(a, b); }
  static type abs(type a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  // |a| with b's sign.
  static type copysign(type a, type b) {
    const type sign = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(sign, a), _mm256_and_ps(sign, b));
  }
  // Lanes whose bit is clear set to zero.
  static type keep(type v, uint32_t bits) { return _mm256_and_ps(v, _mm256_castsi256_ps(lane_mask(bits))); }
  // Lanes whose bit is set replaced by s.
  static type replace(type v, uint32_t bits, float s) {
    return _mm256_blendv_ps(v, _mm256_set1_ps(s), _mm256_castsi256_ps(lane_mask(bits)));
  }
  static float hsum(type v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_add_ss(h, _mm_movehdup_ps(h)));
  }
  static float hmax(type v) {
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_max_ss(h, _mm_movehdup_ps(h)));
  }
  // e^x, within 2 ulp for x in [−87, 88] (Cephes' expf: e^x = 2^n · e^r, |r| ≤ ln 2 / 2, a degree-6
  // polynomial for e^r, 2^n built in the exponent bits, so n ≤ 127: x is clamped to 88); smaller x give
  // 2^−126-scale values, not 0.
  static type exp(type x) {
    x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), _mm256_set1_ps(-87.3365478515625f));
    const type n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    type r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    type p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    // 2^n: n + 127 in the exponent field (n ≥ −126 after the clamp, so no denormal is needed).
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
  }
  // Lane l of even(lo, hi): lane 2l of the 16 lanes lo:hi.
  static type even(type lo, type hi) {
    const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    return _mm256_permute2f128_ps(_mm256_permutevar8x32_ps(lo, idx), _mm256_permutevar8x32_ps(hi, idx), 0x20);
  }
  static void transpose(type r[8]) { transpose_8x8(r); }
};
