// The loops of kernels/cpu/nt_xent_rows.h, written once over a vector type `V` (kernels/cpu/vec_<isa>.h).
// Included only by nt_xent_rows_<isa>.cpp, inside an unnamed namespace, and free of library code (the
// builtins become plain calls or constants).
#pragma once

inline int64_t row_min(int64_t a, int64_t b) { return a < b ? a : b; }

template <class V>
uint32_t row_lanes(int64_t n) {
  return n >= V::lanes ? V::all : n <= 0 ? 0u : (uint32_t(1) << n) - 1;
}
// The lane of vector k0 holding column i, as a bit (0 when i is not in it).
template <class V>
uint32_t lane_of(int64_t i, int64_t k0) {
  return i >= k0 && i < k0 + V::lanes ? uint32_t(1) << (i - k0) : 0u;
}

template <class V>
void loss_rows(float* S, int64_t n2, int64_t r0, int64_t r1, float scale, bool grad, double* loss) {
  constexpr int64_t L = V::lanes;
  using T = typename V::type;
  for (int64_t i = r0; i < r1; ++i) {
    float* row = S + i * n2;
    const int64_t pos = (i + n2 / 2) % n2;
    const float positive = row[pos];
    T m = V::set1(-__builtin_inff());
    for (int64_t k = 0; k < n2; k += L) {
      const uint32_t valid = row_lanes<V>(n2 - k);
      m = V::max(m, V::replace(V::load_bits(row + k, valid), lane_of<V>(i, k) | (V::all & ~valid), -__builtin_inff()));
    }
    const float mx = V::hmax(m);
    const T vmx = V::set1(mx);
    T sum = V::zero();
    for (int64_t k = 0; k < n2; k += L) {  // exp(S − max), the diagonal and the tail 0
      const uint32_t keep = row_lanes<V>(n2 - k) & ~lane_of<V>(i, k);
      const T e = V::keep(V::exp(V::sub(V::load_bits(row + k, row_lanes<V>(n2 - k)), vmx)), keep);
      sum = V::add(sum, e);
      if (grad) V::store_bits(row + k, e, row_lanes<V>(n2 - k));
    }
    const float total = V::hsum(sum);
    loss[i] = static_cast<double>(mx) + __builtin_log(static_cast<double>(total)) - static_cast<double>(positive);
    if (!grad) continue;
    const T inv = V::set1(scale / total);
    for (int64_t k = 0; k < n2; k += L) {
      const uint32_t valid = row_lanes<V>(n2 - k);
      V::store_bits(row + k, V::mul(V::load_bits(row + k, valid), inv), valid);
    }
    row[pos] -= scale;
  }
}

template <class V>
void symmetrize_blocks(float* S, int64_t n2, int64_t b0, int64_t b1) {
  constexpr int64_t L = V::lanes;
  for (int64_t bi = b0; bi < b1; ++bi)
    for (int64_t bk = bi; bk * L < n2; ++bk) {
      const int64_t i0 = bi * L, k0 = bk * L;
      if (i0 + L <= n2 && k0 + L <= n2) {  // whole blocks: B_ik + B_kiᵀ through registers
        typename V::type a[L], b[L];
        for (int64_t l = 0; l < L; ++l)
          a[l] = V::loadu(S + (i0 + l) * n2 + k0), b[l] = V::loadu(S + (k0 + l) * n2 + i0);
        V::transpose(b);  // b[l] = row l of B_kiᵀ
        for (int64_t l = 0; l < L; ++l) a[l] = V::add(a[l], b[l]);
        for (int64_t l = 0; l < L; ++l) V::storeu(S + (i0 + l) * n2 + k0, a[l]);
        V::transpose(a);
        for (int64_t l = 0; l < L; ++l) V::storeu(S + (k0 + l) * n2 + i0, a[l]);
      } else {  // the ragged edge, element by element
        for (int64_t i = i0; i < row_min(i0 + L, n2); ++i)
          for (int64_t k = bi == bk ? i : k0; k < row_min(k0 + L, n2); ++k) {
            const float s = S[i * n2 + k] + S[k * n2 + i];
            S[i * n2 + k] = s, S[k * n2 + i] = s;
          }
      }
    }
}

template <class V>
void mirror_blocks(float* S, int64_t n2, int64_t bh, int64_t b0, int64_t b1) {
  constexpr int64_t L = V::lanes;
  for (int64_t bi = b0; bi < b1; ++bi) {
    const int64_t i0 = bi * L, k_start = (i0 / bh + 1) * bh;  // the first column not computed in these rows
    for (int64_t k0 = k_start; k0 < n2; k0 += L) {
      if (i0 + L <= n2 && k0 + L <= n2) {  // S_ik block = (S_ki block)ᵀ through registers
        typename V::type b[L];
        for (int64_t l = 0; l < L; ++l) b[l] = V::loadu(S + (k0 + l) * n2 + i0);
        V::transpose(b);
        for (int64_t l = 0; l < L; ++l) V::storeu(S + (i0 + l) * n2 + k0, b[l]);
      } else {
        for (int64_t i = i0; i < row_min(i0 + L, n2); ++i)
          for (int64_t k = k0; k < row_min(k0 + L, n2); ++k) S[i * n2 + k] = S[k * n2 + i];
      }
    }
  }
}
