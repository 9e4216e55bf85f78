// The loops of kernels/cpu/depthwise_plane.h, written once over a vector type `V` (the ISA's traits:
// lanes, loads, masked loads, FMA, stores, horizontal sum). Included only by depthwise_plane_<isa>.cpp,
// inside an unnamed namespace, and free of library templates, so every instantiation is local to its
// instruction set's file.
#pragma once

constexpr int64_t kMaxTaps = thorax::kernels::cpu::kDepthwiseMaxTaps;

template <class V>
void plane_forward(const float* __restrict x, int64_t x_step, const float* __restrict w, float bias,
                   float* __restrict y, int64_t y_step, int64_t count, bool accumulate,
                   const thorax::kernels::cpu::DepthwisePlaneGeometry& g) {
  constexpr int64_t L = V::lanes;
  typename V::type wv[kMaxTaps];
  int64_t off[kMaxTaps];
  for (int64_t t = 0; t < g.taps; ++t) wv[t] = V::set1(w[t]), off[t] = g.offsets[t];
  const typename V::type vbias = V::set1(bias);
  for (int64_t n = 0; n < count; ++n, x += x_step, y += y_step) {
    for (int64_t v = 0; v < g.vectors; ++v) {
      const int64_t o = v * L;
      const bool full = o + L <= g.plane;
      const uint32_t tail = full ? V::all : (uint32_t(1) << (g.plane - o)) - 1;
      typename V::type acc = accumulate ? (full ? V::loadu(y + o) : V::load_bits(y + o, tail)) : vbias;
      const uint32_t* bits = g.bits + v * g.taps;
      if (g.taps == 9) {  // 3×3, the common case: unrolled, one sum per kernel row so the FMAs overlap
        typename V::type row[3] = {acc, V::zero(), V::zero()};
        if (g.interior[v]) {
#pragma GCC unroll 9
          for (int64_t t = 0; t < 9; ++t) row[t / 3] = V::fma(wv[t], V::loadu(x + o + off[t]), row[t / 3]);
        } else {
#pragma GCC unroll 9
          for (int64_t t = 0; t < 9; ++t) row[t / 3] = V::fma(wv[t], V::load_bits(x + o + off[t], bits[t]), row[t / 3]);
        }
        acc = V::add(V::add(row[0], row[1]), row[2]);
      } else if (g.interior[v]) {
        for (int64_t t = 0; t < g.taps; ++t) acc = V::fma(wv[t], V::loadu(x + o + off[t]), acc);
      } else {
        for (int64_t t = 0; t < g.taps; ++t) acc = V::fma(wv[t], V::load_bits(x + o + off[t], bits[t]), acc);
      }
      if (full) V::storeu(y + o, acc);
      else V::store_bits(y + o, acc, tail);
    }
  }
}

// Vector sums of products are added into the double totals after this many vectors (and at the end):
// few enough terms per float lane to stay accurate on large planes, few enough horizontal sums to stay
// cheap on small ones. Depends on the shape only, so the summation order is fixed.
constexpr int64_t kFlushVectors = 256;

template <class V> struct WeightSums {
  typename V::type acc[kMaxTaps], bias;
  int64_t taps, pending = 0;
  explicit WeightSums(int64_t t) : taps(t) { clear(); }
  void clear() {
    for (int64_t t = 0; t < taps; ++t) acc[t] = V::zero();
    bias = V::zero();
    pending = 0;
  }
  // Called once per vector of outputs.
  void step(double* gw, double* gb) {
    if (++pending == kFlushVectors) flush(gw, gb);
  }
  void flush(double* gw, double* gb) {
    for (int64_t t = 0; t < taps; ++t) gw[t] += V::hsum(acc[t]);
    *gb += V::hsum(bias);
    clear();
  }
};

// `count` planes of one channel (x and gy advance by x_step and gy_step floats per plane).
template <class V>
void plane_weight(const float* __restrict x, int64_t x_step, const float* __restrict gy, int64_t gy_step, int64_t count,
                  double* gw, double* gb, const thorax::kernels::cpu::DepthwisePlaneGeometry& g) {
  constexpr int64_t L = V::lanes;
  WeightSums<V> sums(g.taps);
  for (int64_t n = 0; n < count; ++n, x += x_step, gy += gy_step)
    for (int64_t v = 0; v < g.vectors; ++v) {
      const int64_t o = v * L;
      const bool full = o + L <= g.plane;
      const typename V::type gv = full ? V::loadu(gy + o) : V::load_bits(gy + o, (uint32_t(1) << (g.plane - o)) - 1);
      sums.bias = V::add(sums.bias, gv);
      if (g.interior[v]) {
        for (int64_t t = 0; t < g.taps; ++t) sums.acc[t] = V::fma(gv, V::loadu(x + o + g.offsets[t]), sums.acc[t]);
      } else {
        const uint32_t* bits = g.bits + v * g.taps;
        for (int64_t t = 0; t < g.taps; ++t)
          sums.acc[t] = V::fma(gv, V::load_bits(x + o + g.offsets[t], bits[t]), sums.acc[t]);
      }
      sums.step(gw, gb);
    }
  sums.flush(gw, gb);
}

// ---- stride 2, 3×3, padding 1 (MobileNetV2's and EfficientNet-B0's downsampling layers), row by row.
// For outputs ow0 … ow0+L−1 of a kernel row the taps read input columns 2·ow − 1, 2·ow, 2·ow + 1: two
// loads of 2L consecutive columns split into their even (E) and odd (O) lanes give taps 1 and 2, and O
// shifted one lane (its first lane from column 2·ow0 − 1, zero at the left edge) gives tap 0. Loads and
// stores are masked past the row ends.

template <class V> uint32_t first_lanes(int64_t n) {
  return n >= V::lanes ? V::all : n <= 0 ? 0u : (uint32_t(1) << n) - 1;
}

// E, O and O-shifted for outputs ow0 … of input row `row` (W columns).
template <class V>
void split_row(const float* row, int64_t W, int64_t ow0, typename V::type& e, typename V::type& o,
               typename V::type& o_left) {
  constexpr int64_t L = V::lanes;
  const int64_t c0 = 2 * ow0;
  const typename V::type lo = V::load_bits(row + c0, first_lanes<V>(W - c0));
  const typename V::type hi = V::load_bits(row + c0 + L, first_lanes<V>(W - c0 - L));
  e = V::even(lo, hi);
  o = V::odd(lo, hi);
  o_left = V::shift_in(o, c0 > 0 ? row[c0 - 1] : 0.0f);
}

template <class V>
void plane_forward_s2(const float* __restrict x, int64_t x_step, const float* __restrict w, float bias,
                      float* __restrict y, int64_t y_step, int64_t count,
                      const thorax::kernels::cpu::DepthwiseStride2Geometry& g) {
  constexpr int64_t L = V::lanes;
  typename V::type wv[9];
  for (int t = 0; t < 9; ++t) wv[t] = V::set1(w[t]);
  for (int64_t n = 0; n < count; ++n, x += x_step, y += y_step) {
    for (int64_t oh = 0; oh < g.Ho; ++oh)
      for (int64_t ow0 = 0; ow0 < g.Wo; ow0 += L) {
        typename V::type acc = V::set1(bias);
        for (int64_t ki = 0; ki < 3; ++ki) {
          const int64_t ih = 2 * oh + ki - 1;
          if (ih < 0 || ih >= g.H) continue;
          typename V::type e, o, o_left;
          split_row<V>(x + ih * g.W, g.W, ow0, e, o, o_left);
          acc = V::fma(wv[3 * ki], o_left, acc);
          acc = V::fma(wv[3 * ki + 1], e, acc);
          acc = V::fma(wv[3 * ki + 2], o, acc);
        }
        V::store_bits(y + oh * g.Wo + ow0, acc, first_lanes<V>(g.Wo - ow0));
      }
  }
}

template <class V>
void plane_weight_s2(const float* __restrict x, int64_t x_step, const float* __restrict gy, int64_t gy_step,
                     int64_t count, double* gw, double* gb, const thorax::kernels::cpu::DepthwiseStride2Geometry& g) {
  constexpr int64_t L = V::lanes;
  WeightSums<V> sums(9);
  for (int64_t n = 0; n < count; ++n, x += x_step, gy += gy_step)
    for (int64_t oh = 0; oh < g.Ho; ++oh)
      for (int64_t ow0 = 0; ow0 < g.Wo; ow0 += L) {
        // Lanes past the row end load as zero, so they add nothing.
        const typename V::type gv = V::load_bits(gy + oh * g.Wo + ow0, first_lanes<V>(g.Wo - ow0));
        sums.bias = V::add(sums.bias, gv);
        for (int64_t ki = 0; ki < 3; ++ki) {
          const int64_t ih = 2 * oh + ki - 1;
          if (ih < 0 || ih >= g.H) continue;
          typename V::type e, o, o_left;
          split_row<V>(x + ih * g.W, g.W, ow0, e, o, o_left);
          sums.acc[3 * ki] = V::fma(gv, o_left, sums.acc[3 * ki]);
          sums.acc[3 * ki + 1] = V::fma(gv, e, sums.acc[3 * ki + 1]);
          sums.acc[3 * ki + 2] = V::fma(gv, o, sums.acc[3 * ki + 2]);
        }
        sums.step(gw, gb);
      }
  sums.flush(gw, gb);
}

// The transposed convolution, gathered per input row: an even input row 2a is read by kernel row 1 of
// output row a; an odd one 2a+1 by kernel row 0 of output row a+1 and kernel row 2 of output row a.
// Likewise per column: even column 2b by tap 1 of output b, odd column 2b+1 by tap 0 of output b+1 and
// tap 2 of output b. The even and odd sums are interleaved back into the row.
template <class V>
void plane_data_s2(const float* __restrict gy, int64_t gy_step, const float* __restrict w, float* __restrict gx,
                   int64_t gx_step, int64_t count, bool accumulate,
                   const thorax::kernels::cpu::DepthwiseStride2Geometry& g) {
  constexpr int64_t L = V::lanes;
  for (int64_t n = 0; n < count; ++n, gy += gy_step, gx += gx_step) {
    for (int64_t ih = 0; ih < g.H; ++ih) {
      float* gx_row = gx + ih * g.W;
      for (int64_t b0 = 0; b0 < g.Wo; b0 += L) {
        typename V::type even = V::zero(), odd = V::zero();
        for (int64_t ki = 0; ki < 3; ++ki) {
          if ((ih + 1 - ki) % 2 != 0) continue;  // 2·oh + ki − 1 = ih has no solution
          const int64_t oh = (ih + 1 - ki) / 2;
          if (oh < 0 || oh >= g.Ho) continue;
          const float* gy_row = gy + oh * g.Wo;
          const typename V::type here = V::load_bits(gy_row + b0, first_lanes<V>(g.Wo - b0));
          const typename V::type next = V::load_bits(gy_row + b0 + 1, first_lanes<V>(g.Wo - b0 - 1));
          even = V::fma(V::set1(w[3 * ki + 1]), here, even);
          odd = V::fma(V::set1(w[3 * ki]), next, odd);
          odd = V::fma(V::set1(w[3 * ki + 2]), here, odd);
        }
        const int64_t c0 = 2 * b0;
        const uint32_t m_lo = first_lanes<V>(g.W - c0), m_hi = first_lanes<V>(g.W - c0 - L);
        typename V::type lo = V::interleave_lo(even, odd), hi = V::interleave_hi(even, odd);
        if (accumulate) {
          lo = V::add(lo, V::load_bits(gx_row + c0, m_lo));
          hi = V::add(hi, V::load_bits(gx_row + c0 + L, m_hi));
        }
        V::store_bits(gx_row + c0, lo, m_lo);
        if (m_hi) V::store_bits(gx_row + c0 + L, hi, m_hi);
      }
    }
  }
}
