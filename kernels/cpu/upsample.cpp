#include "kernels/cpu/upsample.h"

#include <algorithm>
#include <vector>

namespace thorax::kernels::cpu {

namespace {

constexpr int64_t kParallelElements = 1 << 14;

bool parallel(const Upsample2dParams& p) { return p.N * p.C * std::max(p.H * p.W, p.H_out * p.W_out) > kParallelElements; }

std::vector<int64_t> nearest_table(int64_t in, int64_t out, double scale) {
  std::vector<int64_t> t(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) t[o] = nearest_source(o, in, out, scale);
  return t;
}

std::vector<LinearTap<float>> linear_table(int64_t in, int64_t out, double scale, bool align_corners) {
  std::vector<LinearTap<float>> t(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) t[o] = linear_source<float>(o, in, out, scale, align_corners);
  return t;
}

}  // namespace

void upsample_nearest_forward(const float* x, float* y, const Upsample2dParams& p) {
  const auto rows = nearest_table(p.H, p.H_out, p.scale_h), cols = nearest_table(p.W, p.W_out, p.scale_w);
#pragma omp parallel for schedule(static) if (parallel(p))
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh) {
      const float* src = x + (nc * p.H + rows[oh]) * p.W;
      float* dst = y + (nc * p.H_out + oh) * p.W_out;
      for (int64_t ow = 0; ow < p.W_out; ++ow) dst[ow] = src[cols[ow]];
    }
}

void upsample_nearest_backward(const float* gy, float* gx, const Upsample2dParams& p) {
  const auto rows = nearest_table(p.H, p.H_out, p.scale_h), cols = nearest_table(p.W, p.W_out, p.scale_w);
#pragma omp parallel for schedule(static) if (parallel(p))
  for (int64_t nc = 0; nc < p.N * p.C; ++nc) {
    float* gp = gx + nc * p.H * p.W;
    std::fill(gp, gp + p.H * p.W, 0.0f);
    for (int64_t oh = 0; oh < p.H_out; ++oh) {
      const float* g = gy + (nc * p.H_out + oh) * p.W_out;
      float* dst = gp + rows[oh] * p.W;
      for (int64_t ow = 0; ow < p.W_out; ++ow) dst[cols[ow]] += g[ow];
    }
  }
}

void upsample_bilinear_forward(const float* x, float* y, const Upsample2dParams& p) {
  const auto rows = linear_table(p.H, p.H_out, p.scale_h, p.align_corners);
  const auto cols = linear_table(p.W, p.W_out, p.scale_w, p.align_corners);
#pragma omp parallel for schedule(static) if (parallel(p))
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh) {
      const LinearTap<float>& h = rows[oh];
      const float* r0 = x + (nc * p.H + h.i0) * p.W;
      const float* r1 = x + (nc * p.H + h.i1) * p.W;
      float* dst = y + (nc * p.H_out + oh) * p.W_out;
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const LinearTap<float>& w = cols[ow];
        dst[ow] = h.w0 * (w.w0 * r0[w.i0] + w.w1 * r0[w.i1]) + h.w1 * (w.w0 * r1[w.i0] + w.w1 * r1[w.i1]);
      }
    }
}

void upsample_bilinear_backward(const float* gy, float* gx, const Upsample2dParams& p) {
  const auto rows = linear_table(p.H, p.H_out, p.scale_h, p.align_corners);
  const auto cols = linear_table(p.W, p.W_out, p.scale_w, p.align_corners);
#pragma omp parallel for schedule(static) if (parallel(p))
  for (int64_t nc = 0; nc < p.N * p.C; ++nc) {
    float* gp = gx + nc * p.H * p.W;
    std::fill(gp, gp + p.H * p.W, 0.0f);
    for (int64_t oh = 0; oh < p.H_out; ++oh) {
      const LinearTap<float>& h = rows[oh];
      float* r0 = gp + h.i0 * p.W;
      float* r1 = gp + h.i1 * p.W;
      const float* g = gy + (nc * p.H_out + oh) * p.W_out;
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const LinearTap<float>& w = cols[ow];
        const float g0 = h.w0 * g[ow], g1 = h.w1 * g[ow];
        r0[w.i0] += w.w0 * g0;
        r0[w.i1] += w.w1 * g0;
        r1[w.i0] += w.w0 * g1;
        r1[w.i1] += w.w1 * g1;
      }
    }
  }
}

}  // namespace thorax::kernels::cpu
