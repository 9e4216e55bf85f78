// Reference depthwise convolution: the definition as loops, with the channel arithmetic of the
// depthwise case spelled out (output channel co reads input channel co / multiplier only). Accumulated
// in double. Written separately from ref::conv2d so the two references can check each other.
#pragma once
#include <vector>

#include "kernels/depthwise_conv2d.h"
#include "kernels/reference/conv2d.h"

namespace thorax::kernels::ref {

// Calls f(y_index, x_index, w_index) for every output element and every tap inside the input.
template <class F> void depthwise_for_each_tap(const Conv2dParams& p, F&& f) {
  const int64_t Ho = p.H_out(), Wo = p.W_out();
  const int64_t mult = p.C_out / p.C_in;
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t co = 0; co < p.C_out; ++co) {
      const int64_t ci = co / mult;
      for (int64_t oh = 0; oh < Ho; ++oh)
        for (int64_t ow = 0; ow < Wo; ++ow)
          for (int64_t ki = 0; ki < p.kH; ++ki)
            for (int64_t kj = 0; kj < p.kW; ++kj) {
              const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
              const int64_t iw = ow * p.stride_w - p.pad_w + kj * p.dilation_w;
              if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) continue;
              f(((n * p.C_out + co) * Ho + oh) * Wo + ow, ((n * p.C_in + ci) * p.H + ih) * p.W + iw,
                (co * p.kH + ki) * p.kW + kj);
            }
    }
}

template <class T>
void depthwise_conv2d_forward(const T* x, const T* w, const T* bias, T* y, const Conv2dParams& p) {
  const int64_t plane = p.H_out() * p.W_out();
  std::vector<double> acc(static_cast<size_t>(p.N * p.C_out * plane), 0.0);
  depthwise_for_each_tap(p, [&](int64_t yi, int64_t xi, int64_t wi) {
    acc[yi] += static_cast<double>(x[xi]) * static_cast<double>(w[wi]);
  });
  for (int64_t i = 0; i < static_cast<int64_t>(acc.size()); ++i)
    y[i] = static_cast<T>(acc[i] + (bias ? static_cast<double>(bias[(i / plane) % p.C_out]) : 0.0));
}

template <class T> void depthwise_conv2d_backward_data(const T* gy, const T* w, T* gx, const Conv2dParams& p) {
  std::vector<double> acc(static_cast<size_t>(p.N * p.C_in * p.H * p.W), 0.0);
  depthwise_for_each_tap(p, [&](int64_t yi, int64_t xi, int64_t wi) {
    acc[xi] += static_cast<double>(gy[yi]) * static_cast<double>(w[wi]);
  });
  for (size_t i = 0; i < acc.size(); ++i) gx[i] = static_cast<T>(acc[i]);
}

template <class T>
void depthwise_conv2d_backward_weight(const T* x, const T* gy, T* gw, T* gb, const Conv2dParams& p) {
  std::vector<double> acc(static_cast<size_t>(p.C_out * p.kH * p.kW), 0.0);
  depthwise_for_each_tap(p, [&](int64_t yi, int64_t xi, int64_t wi) {
    acc[wi] += static_cast<double>(gy[yi]) * static_cast<double>(x[xi]);
  });
  for (size_t i = 0; i < acc.size(); ++i) gw[i] = static_cast<T>(acc[i]);
  if (gb) conv2d_bias_gradient(gy, gb, p);
}

}  // namespace thorax::kernels::ref
