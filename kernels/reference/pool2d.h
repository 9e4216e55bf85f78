// Reference pooling: one output at a time, every tap bounds-checked, sums in double.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/pool2d.h"

namespace thorax::kernels::ref {

template <class T> void max_pool2d_forward(const T* x, T* y, int64_t* argmax, const Pool2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out();
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < Ho; ++oh)
      for (int64_t ow = 0; ow < Wo; ++ow) {
        T best = -std::numeric_limits<T>::infinity();
        int64_t arg = -1;
        for (int64_t ki = 0; ki < p.kH; ++ki)
          for (int64_t kj = 0; kj < p.kW; ++kj) {
            const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
            const int64_t iw = ow * p.stride_w - p.pad_w + kj * p.dilation_w;
            if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) continue;
            const T v = x[(nc * p.H + ih) * p.W + iw];
            if (arg < 0 || v > best || std::isnan(v)) best = v, arg = ih * p.W + iw;
          }
        y[(nc * Ho + oh) * Wo + ow] = best;
        argmax[(nc * Ho + oh) * Wo + ow] = arg;
      }
}

template <class T> void max_pool2d_backward(const T* gy, const int64_t* argmax, T* gx, const Pool2dParams& p) {
  const int64_t plane_out = p.H_out() * p.W_out();
  std::fill(gx, gx + p.N * p.C * p.H * p.W, T(0));
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t i = 0; i < plane_out; ++i) {
      const int64_t a = argmax[nc * plane_out + i];
      if (a >= 0) gx[nc * p.H * p.W + a] += gy[nc * plane_out + i];
    }
}

// The window of (oh, ow) clipped to the input, and the divisor torch uses for it.
struct AvgWindow {
  int64_t h0, h1, w0, w1;
  int64_t divisor;
};
inline AvgWindow avg_window(int64_t oh, int64_t ow, const Pool2dParams& p) {
  int64_t h0 = oh * p.stride_h - p.pad_h, w0 = ow * p.stride_w - p.pad_w;
  int64_t h1 = std::min(h0 + p.kH, p.H + p.pad_h), w1 = std::min(w0 + p.kW, p.W + p.pad_w);
  const int64_t padded_area = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0), w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, p.H), w1 = std::min(w1, p.W);
  return {h0, h1, w0, w1, p.count_include_pad ? padded_area : (h1 - h0) * (w1 - w0)};
}

template <class T> void avg_pool2d_forward(const T* x, T* y, const Pool2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out();
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < Ho; ++oh)
      for (int64_t ow = 0; ow < Wo; ++ow) {
        const AvgWindow win = avg_window(oh, ow, p);
        double s = 0;
        for (int64_t ih = win.h0; ih < win.h1; ++ih)
          for (int64_t iw = win.w0; iw < win.w1; ++iw) s += static_cast<double>(x[(nc * p.H + ih) * p.W + iw]);
        y[(nc * Ho + oh) * Wo + ow] = static_cast<T>(s / static_cast<double>(win.divisor));
      }
}

template <class T> void avg_pool2d_backward(const T* gy, T* gx, const Pool2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out();
  std::fill(gx, gx + p.N * p.C * p.H * p.W, T(0));
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < Ho; ++oh)
      for (int64_t ow = 0; ow < Wo; ++ow) {
        const AvgWindow win = avg_window(oh, ow, p);
        const T g = gy[(nc * Ho + oh) * Wo + ow] / static_cast<T>(win.divisor);
        for (int64_t ih = win.h0; ih < win.h1; ++ih)
          for (int64_t iw = win.w0; iw < win.w1; ++iw) gx[(nc * p.H + ih) * p.W + iw] += g;
      }
}

template <class T> void adaptive_avg_pool2d_forward(const T* x, T* y, const AdaptivePool2dParams& p) {
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh)
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const int64_t h0 = adaptive_start(oh, p.H, p.H_out), h1 = adaptive_end(oh, p.H, p.H_out);
        const int64_t w0 = adaptive_start(ow, p.W, p.W_out), w1 = adaptive_end(ow, p.W, p.W_out);
        double s = 0;
        for (int64_t ih = h0; ih < h1; ++ih)
          for (int64_t iw = w0; iw < w1; ++iw) s += static_cast<double>(x[(nc * p.H + ih) * p.W + iw]);
        y[(nc * p.H_out + oh) * p.W_out + ow] = static_cast<T>(s / static_cast<double>((h1 - h0) * (w1 - w0)));
      }
}

template <class T> void adaptive_avg_pool2d_backward(const T* gy, T* gx, const AdaptivePool2dParams& p) {
  std::fill(gx, gx + p.N * p.C * p.H * p.W, T(0));
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh)
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const int64_t h0 = adaptive_start(oh, p.H, p.H_out), h1 = adaptive_end(oh, p.H, p.H_out);
        const int64_t w0 = adaptive_start(ow, p.W, p.W_out), w1 = adaptive_end(ow, p.W, p.W_out);
        const T g = gy[(nc * p.H_out + oh) * p.W_out + ow] / static_cast<T>((h1 - h0) * (w1 - w0));
        for (int64_t ih = h0; ih < h1; ++ih)
          for (int64_t iw = w0; iw < w1; ++iw) gx[(nc * p.H + ih) * p.W + iw] += g;
      }
}

}  // namespace thorax::kernels::ref
