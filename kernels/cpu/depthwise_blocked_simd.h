// The loops of kernels/cpu/depthwise_blocked.h, written once over a vector type `V`
// (kernels/cpu/vec_<isa>.h). Included only by depthwise_blocked_<isa>.cpp, inside an unnamed namespace.
#pragma once

using thorax::kernels::cpu::DepthwiseBlock;

template <class V>
uint32_t block_lanes(int64_t n) {
  return n >= V::lanes ? V::all : n <= 0 ? 0u : (uint32_t(1) << n) - 1;
}

template <class V>
int64_t blocked_scratch(const DepthwiseBlock& b) {
  return ((b.H + 2 * b.pad) * (b.W + 2 * b.pad) + b.Ho * b.Wo) * V::lanes;
}

// `channels` planes (plane floats apart) of `rows` rows of `cols` pixels into pixel-major vectors (lane =
// channel): pixel (r, c) at dst[(r·ld + c)·L]. Rows go in blocks of L pixels, so no pixel index is
// ever divided; channels past `channels` become zero lanes.
template <class V>
void planes_to_pixels(const float* src, int64_t plane, int64_t rows, int64_t cols, int64_t channels, float* dst,
                      int64_t ld) {
  constexpr int64_t L = V::lanes;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c0 = 0; c0 < cols; c0 += L) {
      const uint32_t m = block_lanes<V>(cols - c0);
      typename V::type v[L];
      for (int64_t l = 0; l < L; ++l)
        v[l] = l < channels ? V::load_bits(src + l * plane + r * cols + c0, m) : V::zero();
      V::transpose(v);
      float* d = dst + (r * ld + c0) * L;
      for (int64_t j = 0; j < L && c0 + j < cols; ++j) V::storeu(d + j * L, v[j]);
    }
}

// The inverse, for a dense rows × cols block: pixel (r, c) at src[(r·cols + c)·L] back to planes.
template <class V>
void pixels_to_planes(const float* src, int64_t rows, int64_t cols, int64_t channels, float* dst, int64_t plane) {
  constexpr int64_t L = V::lanes;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c0 = 0; c0 < cols; c0 += L) {
      const uint32_t m = block_lanes<V>(cols - c0);
      typename V::type v[L];
      const float* s = src + (r * cols + c0) * L;
      for (int64_t j = 0; j < L; ++j) v[j] = c0 + j < cols ? V::loadu(s + j * L) : V::zero();
      V::transpose(v);
      for (int64_t l = 0; l < channels; ++l) V::store_bits(dst + l * plane + r * cols + c0, v[l], m);
    }
}

// x's planes of one sample into the bordered scratch plane (the border is zeroed by the caller). Rows
// narrower than a vector (7×7 maps) go L pixels at a time across rows, each pixel to its bordered place.
template <class V>
void load_bordered(const float* x, const DepthwiseBlock& b, int64_t channels, float* xp) {
  constexpr int64_t L = V::lanes;
  const int64_t Wp = b.W + 2 * b.pad;
  if (b.W >= L) return planes_to_pixels<V>(x, b.H * b.W, b.H, b.W, channels, xp + (b.pad * Wp + b.pad) * L, Wp);
  const int64_t pixels = b.H * b.W;
  for (int64_t q0 = 0, r = 0, c = 0; q0 < pixels; q0 += L) {  // (r, c): the row and column of pixel q0 + j
    const uint32_t m = block_lanes<V>(pixels - q0);
    typename V::type v[L];
    for (int64_t l = 0; l < L; ++l) v[l] = l < channels ? V::load_bits(x + l * pixels + q0, m) : V::zero();
    V::transpose(v);
    for (int64_t j = 0; j < L && q0 + j < pixels; ++j) {
      V::storeu(xp + ((r + b.pad) * Wp + c + b.pad) * L, v[j]);
      if (++c == b.W) c = 0, ++r;
    }
  }
}

// The 9 taps of the block's channels, one vector per tap.
template <class V>
void tap_vectors(const float* w, int64_t channels, typename V::type wv[9]) {
  alignas(64) float t[9][V::lanes] = {};
  for (int64_t l = 0; l < channels; ++l)
    for (int k = 0; k < 9; ++k) t[k][l] = w[l * 9 + k];
  for (int k = 0; k < 9; ++k) wv[k] = V::loadu(t[k]);
}

template <class V>
void blocked_forward(const float* x, int64_t x_sample, const float* w, const float* bias, float* y, int64_t y_sample,
                     int64_t channels, int64_t count, const DepthwiseBlock& b, float* scratch) {
  constexpr int64_t L = V::lanes;
  using T = typename V::type;
  const int64_t Wp = b.W + 2 * b.pad, s = b.stride;
  float* xp = scratch;
  float* yt = scratch + (b.H + 2 * b.pad) * Wp * L;
  for (int64_t i = 0; i < (b.H + 2 * b.pad) * Wp * L; ++i) xp[i] = 0.0f;
  T wv[9];
  tap_vectors<V>(w, channels, wv);
  alignas(64) float bias_lanes[L] = {};
  for (int64_t l = 0; l < channels && bias; ++l) bias_lanes[l] = bias[l];
  const T vb = V::loadu(bias_lanes);
  for (int64_t n = 0; n < count; ++n) {
    load_bordered<V>(x + n * x_sample, b, channels, xp);
    for (int64_t oh = 0; oh < b.Ho; ++oh) {
      const float* rows = xp + oh * s * Wp * L;
      float* out = yt + oh * b.Wo * L;
      // Four outputs at once (four independent FMA chains); a row not a multiple of four ends with a
      // group that overlaps the previous one, rewriting a few outputs with the same values.
      for (int64_t ow0 = 0; b.Wo >= 4 && ow0 < b.Wo; ow0 += 4) {
        const int64_t ow = ow0 + 4 <= b.Wo ? ow0 : b.Wo - 4;
        T a0 = vb, a1 = vb, a2 = vb, a3 = vb;
#pragma GCC unroll 3
        for (int ki = 0; ki < 3; ++ki)
#pragma GCC unroll 3
          for (int kj = 0; kj < 3; ++kj) {
            const float* p = rows + (ki * Wp + ow * s + kj) * L;
            const T wk = wv[ki * 3 + kj];
            a0 = V::fma(wk, V::loadu(p), a0);
            a1 = V::fma(wk, V::loadu(p + s * L), a1);
            a2 = V::fma(wk, V::loadu(p + 2 * s * L), a2);
            a3 = V::fma(wk, V::loadu(p + 3 * s * L), a3);
          }
        V::storeu(out + ow * L, a0), V::storeu(out + (ow + 1) * L, a1);
        V::storeu(out + (ow + 2) * L, a2), V::storeu(out + (ow + 3) * L, a3);
      }
      for (int64_t ow = 0; b.Wo < 4 && ow < b.Wo; ++ow) {
        T a = vb;
        for (int ki = 0; ki < 3; ++ki)
          for (int kj = 0; kj < 3; ++kj) a = V::fma(wv[ki * 3 + kj], V::loadu(rows + (ki * Wp + ow * s + kj) * L), a);
        V::storeu(out + ow * L, a);
      }
    }
    pixels_to_planes<V>(yt, 1, b.Ho * b.Wo, channels, y + n * y_sample, b.Ho * b.Wo);  // dense: one long row
  }
}

template <class V>
void blocked_weight(const float* x, int64_t x_sample, const float* gy, int64_t gy_sample, int64_t channels,
                    int64_t count, const DepthwiseBlock& b, double* gw, double* gb, float* scratch) {
  constexpr int64_t L = V::lanes;
  using T = typename V::type;
  const int64_t Wp = b.W + 2 * b.pad, s = b.stride;
  float* xp = scratch;
  float* gt = scratch + (b.H + 2 * b.pad) * Wp * L;
  for (int64_t i = 0; i < (b.H + 2 * b.pad) * Wp * L; ++i) xp[i] = 0.0f;
  for (int64_t n = 0; n < count; ++n) {
    load_bordered<V>(x + n * x_sample, b, channels, xp);
    planes_to_pixels<V>(gy + n * gy_sample, b.Ho * b.Wo, 1, b.Ho * b.Wo, channels, gt, 0);  // dense: one long row
    T acc[9], bacc = V::zero();
    for (int k = 0; k < 9; ++k) acc[k] = V::zero();
    for (int64_t oh = 0; oh < b.Ho; ++oh)
      for (int64_t ow = 0; ow < b.Wo; ++ow) {
        const T g = V::loadu(gt + (oh * b.Wo + ow) * L);
        const float* p = xp + (oh * s * Wp + ow * s) * L;
        bacc = V::add(bacc, g);
#pragma GCC unroll 3
        for (int ki = 0; ki < 3; ++ki)
#pragma GCC unroll 3
          for (int kj = 0; kj < 3; ++kj)
            acc[ki * 3 + kj] = V::fma(g, V::loadu(p + (ki * Wp + kj) * L), acc[ki * 3 + kj]);
      }
    alignas(64) float lanes_[L];
    for (int k = 0; k < 9; ++k) {
      V::storeu(lanes_, acc[k]);
      for (int64_t l = 0; l < channels; ++l) gw[l * 9 + k] += lanes_[l];
    }
    if (gb) {
      V::storeu(lanes_, bacc);
      for (int64_t l = 0; l < channels; ++l) gb[l] += lanes_[l];
    }
  }
}
