#include "kernels/cpu/dropout.h"

#include "tensor/rng.h"

namespace thorax::kernels::cpu {

static constexpr int64_t kParallelGrain = 1 << 15;

void dropout_forward(const float* x, float* y, float* mask, int64_t n, DropoutParams p) {
  const float scale = static_cast<float>(dropout_scale(p.p));
  const int64_t blocks = (n + 3) / 4;
#pragma omp parallel for schedule(static) if (n > kParallelGrain / 4)
  for (int64_t b = 0; b < blocks; ++b) {
    const auto bits = philox4x32(p.base + static_cast<uint64_t>(b), 0, p.seed);
    for (int64_t lane = 0; lane < 4 && b * 4 + lane < n; ++lane) {
      const int64_t i = b * 4 + lane;
      const bool keep = static_cast<double>(uint_to_unit(bits[lane])) > p.p;
      mask[i] = keep ? 1.0f : 0.0f;
      y[i] = x[i] * mask[i] * scale;  // not `keep ? x : 0`: a NaN input stays NaN, as in torch
    }
  }
}

void dropout_apply(const float* mask, const float* v, float* out, int64_t n, double p) {
  const float scale = static_cast<float>(dropout_scale(p));
#pragma omp parallel for simd schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) out[i] = v[i] * mask[i] * scale;
}

}  // namespace thorax::kernels::cpu
