// The loops of kernels/cpu/conv2d_pack.h, written once over a vector type `V` (the ISA's traits: lanes,
// masked loads and stores, an L × L transpose in registers) and the micro-kernel's tile (MR, NR).
// Included only by conv2d_pack_<isa>.cpp, inside an unnamed namespace, and free of library templates,
// so every instantiation is local to its instruction set's file.
//
// Stride-1 views copy whole vectors with masked loads (lanes outside the image read as zero and never
// touch memory); transposed packing moves L × L blocks through registers. Other strides copy scalars.
#pragma once

using thorax::kernels::cpu::ConvSegment;
using thorax::kernels::cpu::ConvView;

template <class V>
uint32_t first_lanes(int64_t n) {
  return n >= V::lanes ? V::all : n <= 0 ? 0u : (uint32_t(1) << n) - 1;
}
// Lanes l with a <= l < b.
template <class V>
uint32_t lanes_between(int64_t a, int64_t b) {
  return first_lanes<V>(b) & ~first_lanes<V>(a);
}

inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

// Where one segment of a V row reads: base[i·sw + off] for i in [lo, hi), zero elsewhere.
struct Source {
  const float* base;
  int64_t off, lo, hi;
};

// Row (c, ti, tj) of V over segment s.
inline Source view_source(const ConvView& v, int64_t c, int64_t ti, int64_t tj, const ConvSegment& s) {
  const int64_t ih = s.a * v.sh + v.off_h[ti];
  if (ih < 0 || ih >= v.H) return {v.img, 0, 0, 0};
  const int64_t off = s.b0 * v.sw + v.off_w[tj];
  int64_t lo, hi;  // i·sw + off in [0, W)
  if (v.sw == 1) {
    lo = off >= 0 ? 0 : -off;
    hi = v.W - off;
  } else {
    lo = off >= 0 ? 0 : (-off + v.sw - 1) / v.sw;
    hi = off >= v.W ? 0 : (v.W - 1 - off) / v.sw + 1;
  }
  lo = min64(lo, s.len);
  hi = min64(max64(hi, lo), s.len);
  return {v.img + s.n * v.sample + (c * v.H + ih) * v.W, off, lo, hi};
}

// Elements i0 … i0+L−1 of a segment as one vector, lanes at or past `end` zero.
template <class V>
typename V::type load_source(const Source& s, int64_t sw, int64_t i0, int64_t end) {
  const uint32_t valid = lanes_between<V>(s.lo - i0, min64(s.hi, end) - i0);
  if (sw == 1) return V::load_bits(s.base + s.off + i0, valid);
  if (sw == 2 && valid) {
    // Lane l reads p0 + 2l: two vectors of consecutive floats from p0, their even lanes. Only the
    // floats between the first and the last valid lane's are loaded, so none lies outside the row.
    const int64_t p0 = 2 * i0 + s.off, first = 2 * (s.lo > i0 ? s.lo - i0 : 0);
    const int64_t last = 2 * (min64(s.hi, end) - i0 - 1) + 1;  // one past the last valid lane's float
    const typename V::type lo = V::load_bits(s.base + p0, lanes_between<V>(first, last));
    const typename V::type hi =
        V::load_bits(s.base + p0 + V::lanes, lanes_between<V>(first - V::lanes, last - V::lanes));
    return V::keep(V::even(lo, hi), valid);
  }
  alignas(64) float tmp[V::lanes];
  for (int64_t l = 0; l < V::lanes; ++l) {
    const int64_t i = i0 + l;
    tmp[l] = i >= s.lo && i < s.hi && i < end ? s.base[i * sw + s.off] : 0.0f;
  }
  return V::loadu(tmp);
}

// dst[0 … i1−i0) = segment elements i0 … i1−1.
// With prefetch > 0, the cache lines `prefetch` floats past each vector read are requested too: the
// next block's columns of the same image row, so the many rows a block reads (one per channel and tap,
// more than a hardware prefetcher follows) arrive while this block is multiplied.
template <class V>
void copy_run(float* __restrict dst, const Source& s, int64_t sw, int64_t i0, int64_t i1, int64_t prefetch = 0) {
  int64_t i = i0;
  if (sw == 1 && i0 >= s.lo)  // the common case: whole vectors inside the image, plain loads and stores
    for (const int64_t end = min64(i1, s.hi) - V::lanes; i <= end; i += V::lanes) {
      if (prefetch) _mm_prefetch(reinterpret_cast<const char*>(s.base + s.off + i + prefetch), _MM_HINT_T0);
      V::storeu(dst + (i - i0), V::loadu(s.base + s.off + i));
    }
  for (; i < i1; i += V::lanes) V::store_bits(dst + (i - i0), load_source<V>(s, sw, i, i1), first_lanes<V>(i1 - i));
}

template <class V, int64_t NR>
void pack_view(float* __restrict Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t kc,
               int64_t nc) {
  const int64_t tw = v.n_off_w, taps = v.n_off_h * tw;
  const int64_t tail = nc % NR;  // lanes of the last panel past nc are zero
  int64_t c = r0 / taps, t = r0 % taps;
  for (int64_t k = 0; k < kc; ++k) {
    float* row = Bp + k * NR;  // column q of this row: row[(q − q % NR)·kc + q % NR]
    for (int64_t si = 0; si < n_segs; ++si) {
      const ConvSegment& s = segs[si];
      const Source src = view_source(v, c, t / tw, t % tw, s);
      for (int64_t i = 0; i < s.len;) {
        const int64_t q = s.pos + i, lane = q % NR, run = min64(s.len - i, NR - lane);
        copy_run<V>(row + (q - lane) * kc + lane, src, v.sw, i, i + run, nc);
        i += run;
      }
    }
    if (tail)  // whole vectors of the last panel's row, keeping the lanes below `tail`
      for (int64_t l0 = tail - tail % V::lanes; l0 < NR; l0 += V::lanes)
        V::store_bits(row + (nc - tail) * kc + l0, V::zero(), V::all & ~first_lanes<V>(tail - l0));
    if (++t == taps) t = 0, ++c;
  }
}

template <class V, int64_t NR>
void pack_view_transposed(float* __restrict Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0,
                          int64_t nc, int64_t kc) {
  constexpr int64_t L = V::lanes;
  static_assert(NR % L == 0, "panels are whole vectors wide");
  const int64_t tw = v.n_off_w, taps = v.n_off_h * tw;
  for (int64_t q = 0; q < nc; q += NR) {
    float* panel = Bp + q * kc;
    for (int64_t l0 = 0; l0 < NR; l0 += L) {
      // The L rows of V that become lanes l0 … l0+L−1 of this panel (rows past nc are zero).
      int64_t rc[L], rti[L], rtj[L];
      const int64_t rows = max64(0, min64(L, nc - q - l0));
      for (int64_t l = 0; l < rows; ++l) {
        const int64_t r = r0 + q + l0 + l, t = r % taps;
        rc[l] = r / taps, rti[l] = t / tw, rtj[l] = t % tw;
      }
      for (int64_t si = 0; si < n_segs; ++si) {
        const ConvSegment& s = segs[si];
        Source src[L];
        for (int64_t l = 0; l < rows; ++l) src[l] = view_source(v, rc[l], rti[l], rtj[l], s);
        for (int64_t i = 0; i < s.len; i += L) {
          typename V::type block[L];
          for (int64_t l = 0; l < rows; ++l)  // the same rows a few vectors on: L streams at once
            _mm_prefetch(reinterpret_cast<const char*>(src[l].base + src[l].off + (i + 4 * L) * v.sw), _MM_HINT_T0);
          for (int64_t l = 0; l < L; ++l) block[l] = l < rows ? load_source<V>(src[l], v.sw, i, s.len) : V::zero();
          V::transpose(block);
          float* dst = panel + (s.pos + i) * NR + l0;
          const int64_t cols = min64(L, s.len - i);
          for (int64_t j = 0; j < cols; ++j) V::storeu(dst + j * NR, block[j]);
        }
      }
    }
  }
}

template <class V, int64_t MR>
void pack_gy(float* __restrict Ap, const float* gy, int64_t sample, int64_t grid, int64_t M, int64_t j0, int64_t kc) {
  for (int64_t ip = 0; ip < M; ip += MR) {
    float* panel = Ap + ip * kc;
    const int64_t rows = min64(MR, M - ip);
    for (int64_t k = 0; k < kc;) {
      const int64_t j = j0 + k, pix = j % grid, len = min64(grid - pix, kc - k);
      const float* src = gy + (j / grid) * sample + ip * grid + pix;
      int64_t i = 0;
      if constexpr (V::has_transpose8 && MR == 8) {  // 8 × 8 blocks through registers
        if (rows == MR)
          for (; i + 8 <= len; i += 8) V::transpose8(src + i, grid, panel + (k + i) * MR);
      }
      for (; i < len; ++i)
        for (int64_t r = 0; r < MR; ++r) panel[(k + i) * MR + r] = r < rows ? src[r * grid + i] : 0.0f;
      k += len;
    }
  }
}
