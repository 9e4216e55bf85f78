// Reference dropout: one element, one Philox block at a time (each block is recomputed for each of its
// four lanes: slow and obviously right).
#pragma once
#include "kernels/dropout.h"
#include "tensor/rng.h"

namespace thorax::kernels::ref {

template <class T> void dropout_forward(const T* x, T* y, T* mask, int64_t n, DropoutParams p) {
  const double scale = dropout_scale(p.p);
  for (int64_t i = 0; i < n; ++i) {
    const auto bits = philox4x32(p.base + static_cast<uint64_t>(i) / 4, 0, p.seed);
    const bool keep = static_cast<double>(uint_to_unit(bits[i % 4])) > p.p;
    mask[i] = keep ? T(1) : T(0);
    y[i] = static_cast<T>(static_cast<double>(x[i]) * static_cast<double>(mask[i]) * scale);
  }
}

template <class T> void dropout_apply(const T* mask, const T* v, T* out, int64_t n, double p) {
  const double scale = dropout_scale(p);
  for (int64_t i = 0; i < n; ++i)
    out[i] = static_cast<T>(static_cast<double>(v[i]) * static_cast<double>(mask[i]) * scale);
}

}  // namespace thorax::kernels::ref
