// Reference convolution: the definition written as loops over every (output, tap) pair, accumulated in
// double. The backwards visit the same pairs and scatter, so all three read as one formula.
#pragma once
#include <vector>

#include "kernels/conv2d.h"

namespace thorax::kernels::ref {

// Calls f(y_index, x_index, w_index, co) for every output element and every kernel tap that lands
// inside the input (taps on the zero padding contribute nothing).
template <class F> void conv2d_for_each_tap(const Conv2dParams& p, F&& f) {
  const int64_t Ho = p.H_out(), Wo = p.W_out();
  const int64_t cig = p.C_in / p.groups, cog = p.C_out / p.groups;
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t co = 0; co < p.C_out; ++co)
      for (int64_t oh = 0; oh < Ho; ++oh)
        for (int64_t ow = 0; ow < Wo; ++ow) {
          const int64_t yi = ((n * p.C_out + co) * Ho + oh) * Wo + ow;
          const int64_t g = co / cog;
          for (int64_t c = 0; c < cig; ++c)
            for (int64_t ki = 0; ki < p.kH; ++ki)
              for (int64_t kj = 0; kj < p.kW; ++kj) {
                const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
                const int64_t iw = ow * p.stride_w - p.pad_w + kj * p.dilation_w;
                if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) continue;
                const int64_t xi = ((n * p.C_in + g * cig + c) * p.H + ih) * p.W + iw;
                const int64_t wi = ((co * cig + c) * p.kH + ki) * p.kW + kj;
                f(yi, xi, wi, co);
              }
        }
}

template <class T> void conv2d_forward(const T* x, const T* w, const T* bias, T* y, const Conv2dParams& p) {
  const int64_t plane = p.H_out() * p.W_out();
  std::vector<double> acc(static_cast<size_t>(p.N * p.C_out * plane), 0.0);
  conv2d_for_each_tap(p, [&](int64_t yi, int64_t xi, int64_t wi, int64_t) {
    acc[yi] += static_cast<double>(x[xi]) * static_cast<double>(w[wi]);
  });
  for (int64_t i = 0; i < static_cast<int64_t>(acc.size()); ++i)
    y[i] = static_cast<T>(acc[i] + (bias ? static_cast<double>(bias[(i / plane) % p.C_out]) : 0.0));
}

template <class T> void conv2d_backward_data(const T* gy, const T* w, T* gx, const Conv2dParams& p) {
  std::vector<double> acc(static_cast<size_t>(p.N * p.C_in * p.H * p.W), 0.0);
  conv2d_for_each_tap(p, [&](int64_t yi, int64_t xi, int64_t wi, int64_t) {
    acc[xi] += static_cast<double>(gy[yi]) * static_cast<double>(w[wi]);
  });
  for (size_t i = 0; i < acc.size(); ++i) gx[i] = static_cast<T>(acc[i]);
}

// The bias gradient of any convolution: gy summed over batch and output pixels, per output channel.
template <class T> void conv2d_bias_gradient(const T* gy, T* gb, const Conv2dParams& p) {
  const int64_t plane = p.H_out() * p.W_out();
  for (int64_t co = 0; co < p.C_out; ++co) {
    double s = 0;
    for (int64_t n = 0; n < p.N; ++n)
      for (int64_t i = 0; i < plane; ++i) s += static_cast<double>(gy[(n * p.C_out + co) * plane + i]);
    gb[co] = static_cast<T>(s);
  }
}

template <class T> void conv2d_backward_weight(const T* x, const T* gy, T* gw, T* gb, const Conv2dParams& p) {
  std::vector<double> acc(static_cast<size_t>(p.C_out * (p.C_in / p.groups) * p.kH * p.kW), 0.0);
  conv2d_for_each_tap(p, [&](int64_t yi, int64_t xi, int64_t wi, int64_t) {
    acc[wi] += static_cast<double>(gy[yi]) * static_cast<double>(x[xi]);
  });
  for (size_t i = 0; i < acc.size(); ++i) gw[i] = static_cast<T>(acc[i]);
  if (gb) conv2d_bias_gradient(gy, gb, p);
}

}  // namespace thorax::kernels::ref
