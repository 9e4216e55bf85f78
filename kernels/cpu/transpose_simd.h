// A matrix transpose in L × L register blocks, written once over a vector type `V`
// (kernels/cpu/vec_<isa>.h). Included only by the kernels/cpu/*_<isa>.cpp files, inside an unnamed
// namespace, and free of library code.
#pragma once

// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols: L × L blocks through registers, the ragged
// edges element by element.
template <class V>
void transpose_matrix(const float* src, int64_t lds, float* dst, int64_t ldd, int64_t rows, int64_t cols) {
  constexpr int64_t L = V::lanes;
  int64_t i = 0;
  for (; i + L <= rows; i += L) {
    int64_t j = 0;
    for (; j + L <= cols; j += L) {
      typename V::type r[L];
      for (int64_t l = 0; l < L; ++l) r[l] = V::loadu(src + (i + l) * lds + j);
      V::transpose(r);
      for (int64_t l = 0; l < L; ++l) V::storeu(dst + (j + l) * ldd + i, r[l]);
    }
    for (; j < cols; ++j)
      for (int64_t l = 0; l < L; ++l) dst[j * ldd + i + l] = src[(i + l) * lds + j];
  }
  for (; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) dst[j * ldd + i] = src[i * lds + j];
}
