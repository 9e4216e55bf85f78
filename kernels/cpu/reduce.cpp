#include "kernels/cpu/reduce.h"

#include <algorithm>
#include <vector>

namespace thorax::kernels::cpu {

static constexpr int64_t kParallelGrain = 1 << 15;

template <ReduceOp OP>
void reduce_forward(const float* x, float* y, int64_t outer, int64_t r, int64_t inner, ReduceParams p) {
  const bool par = outer * r * inner > kParallelGrain;
  if (inner == 1) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t o = 0; o < outer; ++o) {
      const float* xs = x + o * r;
      if constexpr (OP == ReduceOp::max || OP == ReduceOp::min) {
        float best = xs[0];
        for (int64_t k = 1; k < r; ++k) best = OP == ReduceOp::max ? std::max(best, xs[k]) : std::min(best, xs[k]);
        y[o] = best;
      } else {
        // Double accumulators keep long rows (a BN channel, a big mean) accurate.
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t k = 0; k < r; ++k) s += xs[k];
        double mean = s / static_cast<double>(r);
        if constexpr (OP == ReduceOp::sum) y[o] = static_cast<float>(s);
        else if constexpr (OP == ReduceOp::mean) y[o] = static_cast<float>(mean);
        else {
          double ss = 0;
#pragma omp simd reduction(+ : ss)
          for (int64_t k = 0; k < r; ++k) ss += (xs[k] - mean) * (xs[k] - mean);
          y[o] = static_cast<float>(ss / static_cast<double>(r - p.correction));
        }
      }
    }
    return;
  }
#pragma omp parallel for schedule(static) if (par)
  for (int64_t o = 0; o < outer; ++o) {
    const float* xs = x + o * r * inner;
    float* ys = y + o * inner;
    if constexpr (OP == ReduceOp::max || OP == ReduceOp::min) {
      std::copy(xs, xs + inner, ys);
      for (int64_t k = 1; k < r; ++k)
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i)
          ys[i] = OP == ReduceOp::max ? std::max(ys[i], xs[k * inner + i]) : std::min(ys[i], xs[k * inner + i]);
    } else {
      std::vector<double> acc(static_cast<size_t>(inner), 0.0);
      for (int64_t k = 0; k < r; ++k)
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i) acc[i] += xs[k * inner + i];
      if constexpr (OP == ReduceOp::var) {
        std::vector<double> ss(static_cast<size_t>(inner), 0.0);
        for (int64_t i = 0; i < inner; ++i) acc[i] /= static_cast<double>(r);
        for (int64_t k = 0; k < r; ++k)
#pragma omp simd
          for (int64_t i = 0; i < inner; ++i) {
            double d = xs[k * inner + i] - acc[i];
            ss[i] += d * d;
          }
        for (int64_t i = 0; i < inner; ++i) ys[i] = static_cast<float>(ss[i] / static_cast<double>(r - p.correction));
      } else {
        double scale = OP == ReduceOp::mean ? 1.0 / static_cast<double>(r) : 1.0;
        for (int64_t i = 0; i < inner; ++i) ys[i] = static_cast<float>(acc[i] * scale);
      }
    }
  }
}

template <ReduceOp OP>
void reduce_backward(const float* x, const float* y, const float* gy, float* gx, int64_t outer, int64_t r,
                     int64_t inner, ReduceParams p) {
  const bool par = outer * r * inner > kParallelGrain;
#pragma omp parallel for schedule(static) if (par)
  for (int64_t o = 0; o < outer; ++o) {
    const float* xs = x + o * r * inner;
    float* gs = gx + o * r * inner;
    const float* g = gy + o * inner;
    const float* yo = y + o * inner;
    if constexpr (OP == ReduceOp::sum || OP == ReduceOp::mean) {
      const float scale = OP == ReduceOp::mean ? 1.0f / static_cast<float>(r) : 1.0f;
      for (int64_t k = 0; k < r; ++k)
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i) gs[k * inner + i] = g[i] * scale;
    } else if constexpr (OP == ReduceOp::max || OP == ReduceOp::min) {
      std::vector<float> ties(static_cast<size_t>(inner), 0.0f);
      for (int64_t k = 0; k < r; ++k)
        for (int64_t i = 0; i < inner; ++i) ties[i] += xs[k * inner + i] == yo[i] ? 1.0f : 0.0f;
      for (int64_t k = 0; k < r; ++k)
        for (int64_t i = 0; i < inner; ++i) gs[k * inner + i] = xs[k * inner + i] == yo[i] ? g[i] / ties[i] : 0.0f;
    } else {  // var
      std::vector<double> mean(static_cast<size_t>(inner), 0.0);
      for (int64_t k = 0; k < r; ++k)
        for (int64_t i = 0; i < inner; ++i) mean[i] += xs[k * inner + i];
      for (int64_t i = 0; i < inner; ++i) mean[i] /= static_cast<double>(r);
      const double denom = static_cast<double>(r - p.correction);
      for (int64_t k = 0; k < r; ++k)
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i)
          gs[k * inner + i] = static_cast<float>(2.0 * g[i] / denom * (xs[k * inner + i] - mean[i]));
    }
  }
}

#define THORAX_INSTANTIATE_REDUCE(name)                                                                       \
  template void reduce_forward<ReduceOp::name>(const float*, float*, int64_t, int64_t, int64_t, ReduceParams); \
  template void reduce_backward<ReduceOp::name>(const float*, const float*, const float*, float*, int64_t,     \
                                                int64_t, int64_t, ReduceParams);
THORAX_INSTANTIATE_REDUCE(sum) THORAX_INSTANTIATE_REDUCE(mean) THORAX_INSTANTIATE_REDUCE(max)
THORAX_INSTANTIATE_REDUCE(min) THORAX_INSTANTIATE_REDUCE(var)
#undef THORAX_INSTANTIATE_REDUCE

}  // namespace thorax::kernels::cpu
