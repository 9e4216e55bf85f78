// The loops of kernels/cpu/winograd_tile.h, written once over a vector type `V` (kernels/cpu/vec_<isa>.h)
// and a transform `F` (F43 or F23, below: its 1-D matrices and sizes). Included only by
// winograd_<isa>.cpp, inside an unnamed namespace, and free of library templates. Each 2-D transform is
// two passes of a 1-D one: along the rows of the patch, the intermediate kept in a small array, then
// along its columns. Lanes are channels; the last vector of a row is masked.
#pragma once

template <class V>
uint32_t channel_lanes(int64_t n) {
  return n >= V::lanes ? V::all : n <= 0 ? 0u : (uint32_t(1) << n) - 1;
}

// F(4×4, 3×3): 6×6 patches, 4×4 outputs (Lavin & Gray's points 0, ±1, ±2).
struct F43 {
  static constexpr int m = 4, a = 6;
  // Bᵀ along one line: 6 → 6.
  template <class V>
  static void input(const typename V::type d[6], typename V::type o[6]) {
    const auto four = V::set1(4.0f), five = V::set1(5.0f), two = V::set1(2.0f);
    o[0] = V::fma(four, d[0], V::fnma(five, d[2], d[4]));
    o[1] = V::fnma(four, V::add(d[1], d[2]), V::add(d[3], d[4]));
    o[2] = V::fma(four, V::sub(d[1], d[2]), V::sub(d[4], d[3]));
    o[3] = V::fma(two, V::sub(d[3], d[1]), V::sub(d[4], d[2]));
    o[4] = V::fnma(two, V::sub(d[3], d[1]), V::sub(d[4], d[2]));
    o[5] = V::fma(four, d[1], V::fnma(five, d[3], d[5]));
  }
  // Aᵀ along one line: 6 → 4.
  template <class V>
  static void output(const typename V::type m_[6], typename V::type o[4]) {
    const auto a_ = V::add(m_[1], m_[2]), b = V::sub(m_[1], m_[2]), c = V::add(m_[3], m_[4]), d = V::sub(m_[3], m_[4]);
    o[0] = V::add(V::add(m_[0], a_), c);
    o[1] = V::fma(V::set1(2.0f), d, b);
    o[2] = V::fma(V::set1(4.0f), c, a_);
    o[3] = V::add(V::fma(V::set1(8.0f), d, b), m_[5]);
  }
  // G along one line: 3 → 6.
  template <class V>
  static void weight(const typename V::type g[3], typename V::type u[6]) {
    const auto s = V::add(g[0], g[2]), sixth = V::set1(-1.0f / 6.0f);
    const auto p = V::fma(g[0], V::set1(1.0f / 24.0f), V::mul(g[2], V::set1(1.0f / 6.0f)));
    u[0] = V::mul(g[0], V::set1(0.25f));
    u[1] = V::mul(V::add(s, g[1]), sixth);
    u[2] = V::mul(V::sub(s, g[1]), sixth);
    u[3] = V::fma(g[1], V::set1(1.0f / 12.0f), p);
    u[4] = V::fnma(g[1], V::set1(1.0f / 12.0f), p);
    u[5] = g[2];
  }
  // A along one line (the adjoint of output): 4 → 6.
  template <class V>
  static void output_adjoint(const typename V::type y[4], typename V::type m_[6]) {
    const auto e = V::add(y[0], y[2]), f = V::add(y[1], y[3]);
    const auto e4 = V::fma(V::set1(4.0f), y[2], y[0]), f8 = V::fma(V::set1(8.0f), y[3], V::mul(V::set1(2.0f), y[1]));
    m_[0] = y[0];
    m_[1] = V::add(e, f);
    m_[2] = V::sub(e, f);
    m_[3] = V::add(e4, f8);
    m_[4] = V::sub(e4, f8);
    m_[5] = y[3];
  }
  // Gᵀ along one line (the adjoint of weight): 6 → 3.
  template <class V>
  static void weight_adjoint(const typename V::type u[6], typename V::type g[3]) {
    const auto s12 = V::add(u[1], u[2]), d21 = V::sub(u[2], u[1]), s34 = V::add(u[3], u[4]), d34 = V::sub(u[3], u[4]);
    const auto sixth = V::set1(1.0f / 6.0f);
    g[0] = V::fma(u[0], V::set1(0.25f), V::fma(s34, V::set1(1.0f / 24.0f), V::mul(s12, V::set1(-1.0f / 6.0f))));
    g[1] = V::fma(d21, sixth, V::mul(d34, V::set1(1.0f / 12.0f)));
    g[2] = V::add(V::mul(V::sub(s34, s12), sixth), u[5]);
  }
};

// F(2×2, 3×3): 4×4 patches, 2×2 outputs (points 0, ±1): every coefficient ±1 or ½, so the transforms
// add almost no rounding of their own.
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Aᵀ = [1 1 1 0; 0 1 −1 −1].
struct F23 {
  static constexpr int m = 2, a = 4;
  template <class V>
  static void input(const typename V::type d[4], typename V::type o[4]) {
    o[0] = V::sub(d[0], d[2]);
    o[1] = V::add(d[1], d[2]);
    o[2] = V::sub(d[2], d[1]);
    o[3] = V::sub(d[1], d[3]);
  }
  template <class V>
  static void output(const typename V::type m_[4], typename V::type o[2]) {
    o[0] = V::add(V::add(m_[0], m_[1]), m_[2]);
    o[1] = V::sub(V::sub(m_[1], m_[2]), m_[3]);
  }
  template <class V>
  static void weight(const typename V::type g[3], typename V::type u[4]) {
    const auto half = V::set1(0.5f), s = V::add(g[0], g[2]);
    u[0] = g[0];
    u[1] = V::mul(V::add(s, g[1]), half);
    u[2] = V::mul(V::sub(s, g[1]), half);
    u[3] = g[2];
  }
  template <class V>
  static void output_adjoint(const typename V::type y[2], typename V::type m_[4]) {
    m_[0] = y[0];
    m_[1] = V::add(y[0], y[1]);
    m_[2] = V::sub(y[0], y[1]);
    m_[3] = V::sub(V::zero(), y[1]);
  }
  template <class V>
  static void weight_adjoint(const typename V::type u[4], typename V::type g[3]) {
    const auto half = V::set1(0.5f), s = V::add(u[1], u[2]);
    g[0] = V::fma(s, half, u[0]);
    g[1] = V::mul(V::sub(u[1], u[2]), half);
    g[2] = V::fma(s, half, u[3]);
  }
};

template <class V, class F>
void input_tile(const float* img, int64_t H, int64_t W, int64_t ld, int64_t ih0, int64_t iw0, int64_t C, float* out,
                int64_t vs) {
  using T = typename V::type;
  constexpr int A = F::a;
  for (int64_t c = 0; c < C; c += V::lanes) {
    const uint32_t m = channel_lanes<V>(C - c);
    T t[A][A];  // Bᵀ along each row of the patch: t[r][j]
    for (int r = 0; r < A; ++r) {
      const int64_t ih = ih0 + r;
      T d[A];
      for (int s = 0; s < A; ++s) {
        const int64_t iw = iw0 + s;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
          d[s] = V::zero();
        } else {
          const float* p = img + (ih * W + iw) * ld + c;
          d[s] = m == V::all ? V::loadu(p) : V::load_bits(p, m);
        }
      }
      F::template input<V>(d, t[r]);
    }
    for (int j = 0; j < A; ++j) {
      T col[A], o[A];
      for (int r = 0; r < A; ++r) col[r] = t[r][j];
      F::template input<V>(col, o);
      for (int i = 0; i < A; ++i) V::store_bits(out + (A * i + j) * vs + c, o[i], m);
    }
  }
}

template <class V, class F>
void output_tile(const float* M, int64_t ms, int64_t C, float* out, int64_t Ho, int64_t Wo, int64_t ld, int64_t oh0,
                 int64_t ow0, const float* bias) {
  using T = typename V::type;
  constexpr int A = F::a, Mt = F::m;
  for (int64_t c = 0; c < C; c += V::lanes) {
    const uint32_t m = channel_lanes<V>(C - c);
    T t[Mt][A];  // Aᵀ along each column: t[a][j]
    for (int j = 0; j < A; ++j) {
      T col[A], o[Mt];
      for (int i = 0; i < A; ++i) col[i] = V::load_bits(M + (A * i + j) * ms + c, m);
      F::template output<V>(col, o);
      for (int a = 0; a < Mt; ++a) t[a][j] = o[a];
    }
    const T b = bias ? V::load_bits(bias + c, m) : V::zero();
    for (int a = 0; a < Mt; ++a) {
      const int64_t oh = oh0 + a;
      if (oh >= Ho) break;
      T y[Mt];
      F::template output<V>(t[a], y);
      for (int bb = 0; bb < Mt && ow0 + bb < Wo; ++bb)
        V::store_bits(out + (oh * Wo + ow0 + bb) * ld + c, V::add(y[bb], b), m);
    }
  }
}

template <class V, class F>
void weight_tile(const float* g, int64_t ldg, int64_t cols, int64_t width, float* U, int64_t us) {
  using T = typename V::type;
  constexpr int A = F::a;
  for (int64_t c = 0; c < width; c += V::lanes) {
    const uint32_t m = channel_lanes<V>(cols - c);
    T t[A][3];  // G along each kernel column: t[i][kj]
    for (int kj = 0; kj < 3; ++kj) {
      const T col[3] = {V::load_bits(g + kj * ldg + c, m), V::load_bits(g + (3 + kj) * ldg + c, m),
                        V::load_bits(g + (6 + kj) * ldg + c, m)};
      T u[A];
      F::template weight<V>(col, u);
      for (int i = 0; i < A; ++i) t[i][kj] = u[i];
    }
    for (int i = 0; i < A; ++i) {
      T u[A];
      F::template weight<V>(t[i], u);
      for (int j = 0; j < A; ++j) V::storeu(U + (A * i + j) * us + c, u[j]);
    }
  }
}

template <class V, class F>
void output_adjoint_tile(const float* dy, int64_t Ho, int64_t Wo, int64_t ld, int64_t oh0, int64_t ow0, int64_t C,
                         float* dM, int64_t ms) {
  using T = typename V::type;
  constexpr int A = F::a, Mt = F::m;
  for (int64_t c = 0; c < C; c += V::lanes) {
    const uint32_t m = channel_lanes<V>(C - c);
    T t[Mt][A];  // A along each row of the m × m patch: t[a][j]
    for (int a = 0; a < Mt; ++a) {
      T y[Mt];
      for (int b = 0; b < Mt; ++b)
        y[b] = oh0 + a < Ho && ow0 + b < Wo ? V::load_bits(dy + ((oh0 + a) * Wo + ow0 + b) * ld + c, m) : V::zero();
      F::template output_adjoint<V>(y, t[a]);
    }
    for (int j = 0; j < A; ++j) {
      T col[Mt], o[A];
      for (int a = 0; a < Mt; ++a) col[a] = t[a][j];
      F::template output_adjoint<V>(col, o);
      for (int i = 0; i < A; ++i) V::store_bits(dM + (A * i + j) * ms + c, o[i], m);
    }
  }
}

template <class V, class F>
void weight_adjoint_tile(const float* dU, int64_t us, int64_t C, float* g, int64_t ldg) {
  using T = typename V::type;
  constexpr int A = F::a;
  for (int64_t c = 0; c < C; c += V::lanes) {
    const uint32_t m = channel_lanes<V>(C - c);
    T t[3][A];  // Gᵀ along each column: t[k][j]
    for (int j = 0; j < A; ++j) {
      T col[A], o[3];
      for (int i = 0; i < A; ++i) col[i] = V::load_bits(dU + (A * i + j) * us + c, m);
      F::template weight_adjoint<V>(col, o);
      for (int k = 0; k < 3; ++k) t[k][j] = o[k];
    }
    for (int k = 0; k < 3; ++k) {
      T o[3];
      F::template weight_adjoint<V>(t[k], o);
      for (int l = 0; l < 3; ++l) V::store_bits(g + (3 * k + l) * ldg + c, o[l], m);
    }
  }
}
