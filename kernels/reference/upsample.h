// Reference resampling: one output at a time, straight from the index rules in kernels/upsample.h.
#pragma once
#include <algorithm>

#include "kernels/upsample.h"

namespace thorax::kernels::ref {

template <class T> void upsample_nearest_forward(const T* x, T* y, const Upsample2dParams& p) {
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh)
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const int64_t ih = nearest_source(oh, p.H, p.H_out, p.scale_h);
        const int64_t iw = nearest_source(ow, p.W, p.W_out, p.scale_w);
        y[(nc * p.H_out + oh) * p.W_out + ow] = x[(nc * p.H + ih) * p.W + iw];
      }
}

template <class T> void upsample_nearest_backward(const T* gy, T* gx, const Upsample2dParams& p) {
  std::fill(gx, gx + p.N * p.C * p.H * p.W, T(0));
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh)
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const int64_t ih = nearest_source(oh, p.H, p.H_out, p.scale_h);
        const int64_t iw = nearest_source(ow, p.W, p.W_out, p.scale_w);
        gx[(nc * p.H + ih) * p.W + iw] += gy[(nc * p.H_out + oh) * p.W_out + ow];
      }
}

template <class T> void upsample_bilinear_forward(const T* x, T* y, const Upsample2dParams& p) {
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh)
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const auto h = linear_source<T>(oh, p.H, p.H_out, p.scale_h, p.align_corners);
        const auto w = linear_source<T>(ow, p.W, p.W_out, p.scale_w, p.align_corners);
        const T* xp = x + nc * p.H * p.W;
        y[(nc * p.H_out + oh) * p.W_out + ow] = h.w0 * (w.w0 * xp[h.i0 * p.W + w.i0] + w.w1 * xp[h.i0 * p.W + w.i1]) +
                                                h.w1 * (w.w0 * xp[h.i1 * p.W + w.i0] + w.w1 * xp[h.i1 * p.W + w.i1]);
      }
}

template <class T> void upsample_bilinear_backward(const T* gy, T* gx, const Upsample2dParams& p) {
  std::fill(gx, gx + p.N * p.C * p.H * p.W, T(0));
  for (int64_t nc = 0; nc < p.N * p.C; ++nc)
    for (int64_t oh = 0; oh < p.H_out; ++oh)
      for (int64_t ow = 0; ow < p.W_out; ++ow) {
        const auto h = linear_source<T>(oh, p.H, p.H_out, p.scale_h, p.align_corners);
        const auto w = linear_source<T>(ow, p.W, p.W_out, p.scale_w, p.align_corners);
        const T g = gy[(nc * p.H_out + oh) * p.W_out + ow];
        T* gp = gx + nc * p.H * p.W;
        gp[h.i0 * p.W + w.i0] += h.w0 * w.w0 * g;
        gp[h.i0 * p.W + w.i1] += h.w0 * w.w1 * g;
        gp[h.i1 * p.W + w.i0] += h.w1 * w.w0 * g;
        gp[h.i1 * p.W + w.i1] += h.w1 * w.w1 * g;
      }
}

}  // namespace thorax::kernels::ref
