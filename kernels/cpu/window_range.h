// Which output positions of a strided sliding window read inside the input: the loops of the CPU conv
// and pool kernels run over exactly that range, so their inner loops carry no bounds test and vectorize.
#pragma once
#include <algorithm>
#include <cstdint>

namespace thorax::kernels::cpu {

// The outputs o in [0, n_out) for which o·stride + offset falls in [0, n_in), as the half-open range
// [lo, hi) (empty when lo == hi). offset = tap·dilation − pad.
struct WindowRange {
  int64_t lo, hi;
};
inline WindowRange window_range(int64_t offset, int64_t stride, int64_t n_in, int64_t n_out) {
  int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t hi = offset >= n_in ? 0 : (n_in - 1 - offset) / stride + 1;
  lo = std::min(lo, n_out);
  hi = std::clamp(hi, lo, n_out);
  return {lo, hi};
}

}  // namespace thorax::kernels::cpu
