#include "kernels/cpu/depthwise_conv2d.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/window_range.h"

namespace thorax::kernels::cpu {

namespace {

constexpr double kParallelFlops = 1 << 15;

// Adds the taps of kernel rows [0, kH) whose input row is valid to output columns [c0, c1) of one output
// row, one tap at a time, each tap clipped to the columns it can read. Handles any shape; used for the
// border and for kernel sizes without a specialization.
void taps_clipped(float* __restrict y_row, const float* __restrict xp, const float* wk, int64_t oh, int64_t c0, int64_t c1,
                  const Conv2dParams& p) {
  for (int64_t ki = 0; ki < p.kH; ++ki) {
    const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
    if (ih < 0 || ih >= p.H) continue;
    const float* x_row = xp + ih * p.W;
    for (int64_t kj = 0; kj < p.kW; ++kj) {
      const int64_t off = kj * p.dilation_w - p.pad_w;
      const WindowRange r = window_range(off, p.stride_w, p.W, p.W_out());
      const int64_t lo = std::max(r.lo, c0), hi = std::min(r.hi, c1);
      const float wv = wk[ki * p.kW + kj];
      if (p.stride_w == 1) {
#pragma omp simd
        for (int64_t ow = lo; ow < hi; ++ow) y_row[ow] += wv * x_row[ow + off];
      } else {
        for (int64_t ow = lo; ow < hi; ++ow) y_row[ow] += wv * x_row[ow * p.stride_w + off];
      }
    }
  }
}

// All KH·KW taps of output columns [lo, hi) at once, for a row whose taps all read inside the input: the
// sum stays in a register instead of going through memory once per tap, and with the tap loops unrolled
// the column loop vectorizes. x_row0 is the input row of tap ki = 0.
template <int KH, int KW>
void taps_interior(float* __restrict y_row, const float* __restrict x_row0, const float* wk, int64_t lo, int64_t hi,
                   const Conv2dParams& p) {
  float wr[KH * KW];
  for (int t = 0; t < KH * KW; ++t) wr[t] = wk[t];
  const int64_t row_step = p.dilation_h * p.W, dw = p.dilation_w, off = -p.pad_w;
  if (p.stride_w == 1) {
#pragma omp simd
    for (int64_t ow = lo; ow < hi; ++ow) {
      float acc = y_row[ow];
      for (int ki = 0; ki < KH; ++ki)
        for (int kj = 0; kj < KW; ++kj) acc += wr[ki * KW + kj] * x_row0[ki * row_step + ow + kj * dw + off];
      y_row[ow] = acc;
    }
  } else {
    const int64_t sw = p.stride_w;
    for (int64_t ow = lo; ow < hi; ++ow) {
      float acc = y_row[ow];
      for (int ki = 0; ki < KH; ++ki)
        for (int kj = 0; kj < KW; ++kj) acc += wr[ki * KW + kj] * x_row0[ki * row_step + ow * sw + kj * dw + off];
      y_row[ow] = acc;
    }
  }
}

using InteriorFn = void (*)(float*, const float*, const float*, int64_t, int64_t, const Conv2dParams&);

// The specialized kernel sizes (those of MobileNet, EfficientNet, ConvNeXt); others take the clipped path.
InteriorFn interior_for(int64_t kH, int64_t kW) {
  if (kH == 3 && kW == 3) return taps_interior<3, 3>;
  if (kH == 5 && kW == 5) return taps_interior<5, 5>;
  if (kH == 7 && kW == 7) return taps_interior<7, 7>;
  return nullptr;
}

}  // namespace

void depthwise_conv2d_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out(), mult = p.C_out / p.C_in, taps = p.kH * p.kW;
  const InteriorFn interior = interior_for(p.kH, p.kW);
  // Output columns whose every tap reads inside the input: the first tap's valid range starts last and
  // the last tap's ends first.
  const int64_t col_lo = window_range(-p.pad_w, p.stride_w, p.W, Wo).lo;
  const int64_t col_hi = std::max(col_lo, window_range((p.kW - 1) * p.dilation_w - p.pad_w, p.stride_w, p.W, Wo).hi);
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t nc = 0; nc < p.N * p.C_out; ++nc) {
    const int64_t n = nc / p.C_out, co = nc % p.C_out;
    const float* xp = x + (n * p.C_in + co / mult) * p.H * p.W;
    const float* wk = w + co * taps;
    float* yp = y + nc * Ho * Wo;
    std::fill(yp, yp + Ho * Wo, bias ? bias[co] : 0.0f);
    for (int64_t oh = 0; oh < Ho; ++oh) {
      float* y_row = yp + oh * Wo;
      const int64_t ih0 = oh * p.stride_h - p.pad_h;
      if (interior && ih0 >= 0 && ih0 + (p.kH - 1) * p.dilation_h < p.H) {
        interior(y_row, xp + ih0 * p.W, wk, col_lo, col_hi, p);
        taps_clipped(y_row, xp, wk, oh, 0, col_lo, p);
        taps_clipped(y_row, xp, wk, oh, col_hi, Wo, p);
      } else {
        taps_clipped(y_row, xp, wk, oh, 0, Wo, p);
      }
    }
  }
}

void depthwise_conv2d_backward_data(const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out(), mult = p.C_out / p.C_in, taps = p.kH * p.kW;
  // One task per input plane: it gathers from its own `mult` output channels, so no two tasks write alike.
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t nc = 0; nc < p.N * p.C_in; ++nc) {
    const int64_t n = nc / p.C_in, ci = nc % p.C_in;
    float* gxp = gx + nc * p.H * p.W;
    std::fill(gxp, gxp + p.H * p.W, 0.0f);
    for (int64_t m = 0; m < mult; ++m) {
      const int64_t co = ci * mult + m;
      const float* gyp = gy + (n * p.C_out + co) * Ho * Wo;
      const float* wk = w + co * taps;
      for (int64_t oh = 0; oh < Ho; ++oh)
        for (int64_t ki = 0; ki < p.kH; ++ki) {
          const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
          if (ih < 0 || ih >= p.H) continue;
          float* gx_row = gxp + ih * p.W;
          const float* gy_row = gyp + oh * Wo;
          for (int64_t kj = 0; kj < p.kW; ++kj) {
            const int64_t off = kj * p.dilation_w - p.pad_w;
            const WindowRange r = window_range(off, p.stride_w, p.W, Wo);
            const float wv = wk[ki * p.kW + kj];
            if (p.stride_w == 1) {
#pragma omp simd
              for (int64_t ow = r.lo; ow < r.hi; ++ow) gx_row[ow + off] += wv * gy_row[ow];
            } else {
              for (int64_t ow = r.lo; ow < r.hi; ++ow) gx_row[ow * p.stride_w + off] += wv * gy_row[ow];
            }
          }
        }
    }
  }
}

void depthwise_conv2d_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p) {
  const int64_t Ho = p.H_out(), Wo = p.W_out(), mult = p.C_out / p.C_in, taps = p.kH * p.kW;
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t co = 0; co < p.C_out; ++co) {
    // Each row's dot product is a float SIMD sum; rows are added in double so long batches stay accurate.
    std::vector<double> acc(static_cast<size_t>(taps), 0.0);
    double bsum = 0;
    for (int64_t n = 0; n < p.N; ++n) {
      const float* xp = x + (n * p.C_in + co / mult) * p.H * p.W;
      const float* gyp = gy + (n * p.C_out + co) * Ho * Wo;
      for (int64_t oh = 0; oh < Ho; ++oh) {
        const float* gy_row = gyp + oh * Wo;
        if (gb) {
          float s = 0;
#pragma omp simd reduction(+ : s)
          for (int64_t ow = 0; ow < Wo; ++ow) s += gy_row[ow];
          bsum += s;
        }
        for (int64_t ki = 0; ki < p.kH; ++ki) {
          const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
          if (ih < 0 || ih >= p.H) continue;
          const float* x_row = xp + ih * p.W;
          for (int64_t kj = 0; kj < p.kW; ++kj) {
            const int64_t off = kj * p.dilation_w - p.pad_w;
            const WindowRange r = window_range(off, p.stride_w, p.W, Wo);
            float s = 0;
            if (p.stride_w == 1) {
#pragma omp simd reduction(+ : s)
              for (int64_t ow = r.lo; ow < r.hi; ++ow) s += gy_row[ow] * x_row[ow + off];
            } else {
              for (int64_t ow = r.lo; ow < r.hi; ++ow) s += gy_row[ow] * x_row[ow * p.stride_w + off];
            }
            acc[ki * p.kW + kj] += s;
          }
        }
      }
    }
    for (int64_t t = 0; t < taps; ++t) gw[co * taps + t] = static_cast<float>(acc[t]);
    if (gb) gb[co] = static_cast<float>(bsum);
  }
}

}  // namespace thorax::kernels::cpu
