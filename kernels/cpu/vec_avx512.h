// The AVX-512 vector traits shared by the kernels/cpu/*_avx512.cpp files: included inside each file's
// unnamed namespace (after <immintrin.h>), so every use stays local to code compiled for AVX-512.
#pragma once

// GCC 12 warns inside its own shuffle intrinsics (their _mm512_undefined_ps() source operand).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

struct Avx512 {
  using type = __m512;
  static constexpr int64_t lanes = 16;
  static constexpr uint32_t all = 0xFFFF;
  static type zero() { return _mm512_setzero_ps(); }
  static type set1(float v) { return _mm512_set1_ps(v); }
  static type loadu(const float* p) { return _mm512_loadu_ps(p); }
  // Masked-off lanes are zero and never touch memory, so they may point outside the buffer.
  static type load_bits(const float* p, uint32_t bits) { return _mm512_maskz_loadu_ps(__mmask16(bits), p); }
  static void storeu(float* p, type v) { _mm512_storeu_ps(p, v); }
  static void store_bits(float* p, type v, uint32_t bits) { _mm512_mask_storeu_ps(p, __mmask16(bits), v); }
  static type add(type a, type b) { return _mm512_add_ps(a, b); }
  static type sub(type a, type b) { return _mm512_sub_ps(a, b); }
  static type mul(type a, type b) { return _mm512_mul_ps(a, b); }
  static type fma(type a, type b, type c) { return _mm512_fmadd_ps(a, b, c); }    // a·b + c
  static type fnma(type a, type b, type c) { return _mm512_fnmadd_ps(a, b, c); }  // c − a·b
  static type max(type a, type b) { return _mm512_max_ps(a, b); }
  static type div(type a, type b) { return _mm512_div_ps(a, b); }
  static type abs(type a) { return _mm512_abs_ps(a); }
  // |a| with b's sign.
  static type copysign(type a, type b) {
    const __m512i sign = _mm512_set1_epi32(static_cast<int>(0x80000000u));
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(a), _mm512_castps_si512(b), sign, 0xD8));
  }
  // Lanes whose bit is clear set to zero.
  static type keep(type v, uint32_t bits) { return _mm512_maskz_mov_ps(__mmask16(bits), v); }
  // Lanes whose bit is set replaced by s.
  static type replace(type v, uint32_t bits, float s) {
    return _mm512_mask_mov_ps(v, __mmask16(bits), _mm512_set1_ps(s));
  }
  static float hsum(type v) { return _mm512_reduce_add_ps(v); }
  static float hmax(type v) { return _mm512_reduce_max_ps(v); }
  // e^x, within 2 ulp for x in [−87, 88] (Cephes' expf: e^x = 2^n · e^r, |r| ≤ ln 2 / 2, a degree-6
  // polynomial for e^r); smaller x give 2^−126-scale values rather than 0.
  static type exp(type x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.3762626647949f)), _mm512_set1_ps(-87.3365478515625f));
    const type n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    type r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    type p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
  }
  // Lane l of even(lo, hi): lane 2l of the 32 lanes lo:hi.
  static type even(type lo, type hi) {
    return _mm512_permutex2var_ps(lo, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), hi);
  }
  // Rows r[0] … r[15] → columns, in place: pairs, then quads, then 128-bit lanes twice.
  static void transpose(type r[16]) {
    type t[16], u[16];
    for (int i = 0; i < 16; i += 2)
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]), t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    for (int i = 0; i < 16; i += 4) {
      u[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
      u[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
      u[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
      u[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    // u[4g + j] holds columns j, j+4, j+8, j+12 of rows 4g … 4g+3, one per 128-bit lane.
    for (int h = 0; h < 16; h += 8)
      for (int j = 0; j < 4; ++j) {
        t[h + j] = _mm512_shuffle_f32x4(u[h + j], u[h + 4 + j], 0x88);      // columns j, j+8
        t[h + 4 + j] = _mm512_shuffle_f32x4(u[h + j], u[h + 4 + j], 0xDD);  // columns j+4, j+12
      }
    for (int j = 0; j < 8; ++j) {
      r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
      r[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xDD);
    }
  }
};

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
