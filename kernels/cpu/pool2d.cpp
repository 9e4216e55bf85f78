#include "kernels/cpu/pool2d.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/window_range.h"

namespace thorax::kernels::cpu {

namespace {

constexpr int64_t kParallelElements = 1 << 14;

// A window clipped to the input along one axis, with the length torch divides by.
struct Span {
  int64_t lo, hi, padded_len;
};

// avg_pool2d windows along one axis (see ref::avg_window for the rule this tabulates).
std::vector<Span> avg_spans(int64_t n_out, int64_t n_in, int64_t k, int64_t stride, int64_t pad) {
  std::vector<Span> s(static_cast<size_t>(n_out));
  for (int64_t o = 0; o < n_out; ++o) {
    const int64_t lo = o * stride - pad, hi = std::min(lo + k, n_in + pad);
    s[o] = {std::max<int64_t>(lo, 0), std::min(hi, n_in), hi - lo};
  }
  return s;
}

std::vector<Span> adaptive_spans(int64_t n_out, int64_t n_in) {
  std::vector<Span> s(static_cast<size_t>(n_out));
  for (int64_t o = 0; o < n_out; ++o) {
    const int64_t lo = adaptive_start(o, n_in, n_out), hi = adaptive_end(o, n_in, n_out);
    s[o] = {lo, hi, hi - lo};
  }
  return s;
}

int64_t divisor(const Span& h, const Span& w, bool count_include_pad) {
  return count_include_pad ? h.padded_len * w.padded_len : (h.hi - h.lo) * (w.hi - w.lo);
}

// The shared loops of avg and adaptive avg pooling, which differ only in their window tables.
void window_mean_forward(const float* x, float* y, int64_t planes, int64_t H, int64_t W, const std::vector<Span>& hs,
                         const std::vector<Span>& ws, bool count_include_pad) {
  const int64_t Ho = static_cast<int64_t>(hs.size()), Wo = static_cast<int64_t>(ws.size());
#pragma omp parallel for schedule(static) if (planes * H * W > kParallelElements)
  for (int64_t nc = 0; nc < planes; ++nc) {
    const float* xp = x + nc * H * W;
    float* yp = y + nc * Ho * Wo;
    for (int64_t oh = 0; oh < Ho; ++oh)
      for (int64_t ow = 0; ow < Wo; ++ow) {
        const Span &h = hs[oh], &w = ws[ow];
        float s = 0;
        for (int64_t ih = h.lo; ih < h.hi; ++ih)
          for (int64_t iw = w.lo; iw < w.hi; ++iw) s += xp[ih * W + iw];
        yp[oh * Wo + ow] = s / static_cast<float>(divisor(h, w, count_include_pad));
      }
  }
}

void window_mean_backward(const float* gy, float* gx, int64_t planes, int64_t H, int64_t W, const std::vector<Span>& hs,
                          const std::vector<Span>& ws, bool count_include_pad) {
  const int64_t Ho = static_cast<int64_t>(hs.size()), Wo = static_cast<int64_t>(ws.size());
#pragma omp parallel for schedule(static) if (planes * H * W > kParallelElements)
  for (int64_t nc = 0; nc < planes; ++nc) {
    float* gp = gx + nc * H * W;
    const float* gyp = gy + nc * Ho * Wo;
    std::fill(gp, gp + H * W, 0.0f);
    for (int64_t oh = 0; oh < Ho; ++oh)
      for (int64_t ow = 0; ow < Wo; ++ow) {
        const Span &h = hs[oh], &w = ws[ow];
        const float g = gyp[oh * Wo + ow] / static_cast<float>(divisor(h, w, count_include_pad));
        for (int64_t ih = h.lo; ih < h.hi; ++ih)
          for (int64_t iw = w.lo; iw < w.hi; ++iw) gp[ih * W + iw] += g;
      }
  }
}

}  // namespace

void max_pool2d_forward(const float* x, float* y, int64_t* argmax, const Pool2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out();
#pragma omp parallel for schedule(static) if (p.N * p.C * p.H * p.W > kParallelElements)
  for (int64_t nc = 0; nc < p.N * p.C; ++nc) {
    const float* xp = x + nc * p.H * p.W;
    for (int64_t oh = 0; oh < Ho; ++oh) {
      float* best = y + (nc * Ho + oh) * Wo;
      int64_t* arg = argmax + (nc * Ho + oh) * Wo;
      std::fill(best, best + Wo, -std::numeric_limits<float>::infinity());
      std::fill(arg, arg + Wo, int64_t{-1});
      // Taps in window order (ki, kj) for every column at once: per output, the same order as torch.
      for (int64_t ki = 0; ki < p.kH; ++ki) {
        const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
        if (ih < 0 || ih >= p.H) continue;
        const float* row = xp + ih * p.W;
        for (int64_t kj = 0; kj < p.kW; ++kj) {
          const int64_t off = kj * p.dilation_w - p.pad_w;
          const WindowRange r = window_range(off, p.stride_w, p.W, Wo);
          for (int64_t ow = r.lo; ow < r.hi; ++ow) {
            const int64_t iw = ow * p.stride_w + off;
            const float v = row[iw];
            if (arg[ow] < 0 || v > best[ow] || std::isnan(v)) best[ow] = v, arg[ow] = ih * p.W + iw;
          }
        }
      }
    }
  }
}

void max_pool2d_backward(const float* gy, const int64_t* argmax, float* gx, const Pool2dParams& p) {
  const int64_t plane_out = p.H_out() * p.W_out();
#pragma omp parallel for schedule(static) if (p.N * p.C * p.H * p.W > kParallelElements)
  for (int64_t nc = 0; nc < p.N * p.C; ++nc) {
    float* gp = gx + nc * p.H * p.W;
    std::fill(gp, gp + p.H * p.W, 0.0f);
    const int64_t* a = argmax + nc * plane_out;
    const float* g = gy + nc * plane_out;
    for (int64_t i = 0; i < plane_out; ++i)
      if (a[i] >= 0) gp[a[i]] += g[i];
  }
}

void avg_pool2d_forward(const float* x, float* y, const Pool2dParams& p) {
  window_mean_forward(x, y, p.N * p.C, p.H, p.W, avg_spans(p.H_out(), p.H, p.kH, p.stride_h, p.pad_h),
                      avg_spans(p.W_out(), p.W, p.kW, p.stride_w, p.pad_w), p.count_include_pad);
}

void avg_pool2d_backward(const float* gy, float* gx, const Pool2dParams& p) {
  window_mean_backward(gy, gx, p.N * p.C, p.H, p.W, avg_spans(p.H_out(), p.H, p.kH, p.stride_h, p.pad_h),
                       avg_spans(p.W_out(), p.W, p.kW, p.stride_w, p.pad_w), p.count_include_pad);
}

void adaptive_avg_pool2d_forward(const float* x, float* y, const AdaptivePool2dParams& p) {
  window_mean_forward(x, y, p.N * p.C, p.H, p.W, adaptive_spans(p.H_out, p.H), adaptive_spans(p.W_out, p.W), true);
}

void adaptive_avg_pool2d_backward(const float* gy, float* gx, const AdaptivePool2dParams& p) {
  window_mean_backward(gy, gx, p.N * p.C, p.H, p.W, adaptive_spans(p.H_out, p.H), adaptive_spans(p.W_out, p.W), true);
}

}  // namespace thorax::kernels::cpu
