#include "kernels/cpu/softmax.h"

#include <algorithm>
#include <cmath>

namespace thorax::kernels::cpu {

static constexpr int64_t kParallelGrain = 1 << 15;
static constexpr int64_t kBlock = 128;  // adjacent lines per task when inner > 1

template <SoftmaxOp OP> void softmax_forward(const float* x, float* y, int64_t outer, int64_t r, int64_t inner) {
  const bool par = outer * r * inner > kParallelGrain;
  if (inner == 1) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t o = 0; o < outer; ++o) {
      const float* xs = x + o * r;
      float* ys = y + o * r;
      float mx = xs[0];
#pragma omp simd reduction(max : mx)
      for (int64_t k = 0; k < r; ++k) mx = std::max(mx, xs[k]);
      double sum = 0;  // double: a long line of small terms keeps its precision
      for (int64_t k = 0; k < r; ++k) {
        const float e = std::exp(xs[k] - mx);
        if constexpr (OP == SoftmaxOp::softmax) ys[k] = e;
        sum += e;
      }
      if constexpr (OP == SoftmaxOp::softmax) {
        const float inv = static_cast<float>(1.0 / sum);
#pragma omp simd
        for (int64_t k = 0; k < r; ++k) ys[k] *= inv;
      } else {
        const float lse = static_cast<float>(std::log(sum));
#pragma omp simd
        for (int64_t k = 0; k < r; ++k) ys[k] = (xs[k] - mx) - lse;
      }
    }
    return;
  }
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (par)
  for (int64_t t = 0; t < outer * blocks; ++t) {
    const int64_t o = t / blocks, i0 = (t % blocks) * kBlock, w = std::min(inner, i0 + kBlock) - i0;
    const float* xs = x + o * r * inner + i0;
    float* ys = y + o * r * inner + i0;
    float mx[kBlock];
    double sum[kBlock] = {};
    std::copy(xs, xs + w, mx);
    for (int64_t k = 1; k < r; ++k)
#pragma omp simd
      for (int64_t i = 0; i < w; ++i) mx[i] = std::max(mx[i], xs[k * inner + i]);
    for (int64_t k = 0; k < r; ++k)
      for (int64_t i = 0; i < w; ++i) {
        const float e = std::exp(xs[k * inner + i] - mx[i]);
        if constexpr (OP == SoftmaxOp::softmax) ys[k * inner + i] = e;
        sum[i] += e;
      }
    float scale[kBlock];
    for (int64_t i = 0; i < w; ++i)
      scale[i] = static_cast<float>(OP == SoftmaxOp::softmax ? 1.0 / sum[i] : std::log(sum[i]));
    for (int64_t k = 0; k < r; ++k)
#pragma omp simd
      for (int64_t i = 0; i < w; ++i) {
        if constexpr (OP == SoftmaxOp::softmax) ys[k * inner + i] *= scale[i];
        else ys[k * inner + i] = (xs[k * inner + i] - mx[i]) - scale[i];
      }
  }
}

template <SoftmaxOp OP>
void softmax_backward(const float* y, const float* gy, float* gx, int64_t outer, int64_t r, int64_t inner) {
  const bool par = outer * r * inner > kParallelGrain;
  if (inner == 1) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t o = 0; o < outer; ++o) {
      const float* ys = y + o * r;
      const float* gs = gy + o * r;
      float* out = gx + o * r;
      double s = 0;
      if constexpr (OP == SoftmaxOp::softmax) {
#pragma omp simd reduction(+ : s)
        for (int64_t k = 0; k < r; ++k) s += static_cast<double>(gs[k]) * ys[k];
        const float sf = static_cast<float>(s);
#pragma omp simd
        for (int64_t k = 0; k < r; ++k) out[k] = ys[k] * (gs[k] - sf);
      } else {
#pragma omp simd reduction(+ : s)
        for (int64_t k = 0; k < r; ++k) s += gs[k];
        const float sf = static_cast<float>(s);
        for (int64_t k = 0; k < r; ++k) out[k] = gs[k] - std::exp(ys[k]) * sf;
      }
    }
    return;
  }
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (par)
  for (int64_t t = 0; t < outer * blocks; ++t) {
    const int64_t o = t / blocks, i0 = (t % blocks) * kBlock, w = std::min(inner, i0 + kBlock) - i0;
    const int64_t base = o * r * inner + i0;
    double s[kBlock] = {};
    for (int64_t k = 0; k < r; ++k)
#pragma omp simd
      for (int64_t i = 0; i < w; ++i) {
        const float g = gy[base + k * inner + i];
        s[i] += OP == SoftmaxOp::softmax ? static_cast<double>(g) * y[base + k * inner + i] : g;
      }
    float sf[kBlock];
    for (int64_t i = 0; i < w; ++i) sf[i] = static_cast<float>(s[i]);
    for (int64_t k = 0; k < r; ++k)
      for (int64_t i = 0; i < w; ++i) {
        const int64_t e = base + k * inner + i;
        if constexpr (OP == SoftmaxOp::softmax) gx[e] = y[e] * (gy[e] - sf[i]);
        else gx[e] = gy[e] - std::exp(y[e]) * sf[i];
      }
  }
}

template void softmax_forward<SoftmaxOp::softmax>(const float*, float*, int64_t, int64_t, int64_t);
template void softmax_forward<SoftmaxOp::log_softmax>(const float*, float*, int64_t, int64_t, int64_t);
template void softmax_backward<SoftmaxOp::softmax>(const float*, const float*, float*, int64_t, int64_t, int64_t);
template void softmax_backward<SoftmaxOp::log_softmax>(const float*, const float*, float*, int64_t, int64_t, int64_t);

}  // namespace thorax::kernels::cpu
