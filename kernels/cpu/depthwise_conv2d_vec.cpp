#include "kernels/cpu/depthwise_conv2d_vec.h"

#include <vector>

#include "kernels/cpu/depthwise_conv2d.h"

namespace thorax::kernels::cpu {

namespace {

constexpr double kParallelFlops = 1 << 15;

struct PlaneIsa {
  int64_t lanes;
  DepthwisePlaneForwardFn forward;
  DepthwisePlaneWeightFn weight;
  DepthwiseStride2ForwardFn forward_s2;
  DepthwiseStride2DataFn data_s2;
  DepthwiseStride2WeightFn weight_s2;
};
constexpr PlaneIsa kAvx2{kDepthwiseAvx2Lanes,      depthwise_plane_forward_avx2, depthwise_plane_weight_avx2,
                         depthwise_s2_forward_avx2, depthwise_s2_data_avx2,       depthwise_s2_weight_avx2};
constexpr PlaneIsa kAvx512{kDepthwiseAvx512Lanes,      depthwise_plane_forward_avx512, depthwise_plane_weight_avx512,
                           depthwise_s2_forward_avx512, depthwise_s2_data_avx512,       depthwise_s2_weight_avx512};

// 3×3, stride 2, padding 1, dilation 1: the row-by-row stride-2 loops.
bool is_stride2_3x3(const Conv2dParams& p) {
  return p.stride_h == 2 && p.stride_w == 2 && p.kH == 3 && p.kW == 3 && p.pad_h == 1 && p.pad_w == 1 &&
         p.dilation_h == 1 && p.dilation_w == 1;
}

DepthwiseStride2Geometry stride2_geometry(const Conv2dParams& p) { return {p.H, p.W, p.H_out(), p.W_out()}; }

// The per-call tables of DepthwisePlaneGeometry: tap offsets, and per vector of `lanes` outputs which
// lanes each tap may read.
struct Geometry {
  std::vector<int64_t> offsets;
  std::vector<uint32_t> bits;
  std::vector<uint8_t> interior;
  DepthwisePlaneGeometry view;

  Geometry(const Conv2dParams& p, int64_t lanes) {
    const int64_t plane = p.H * p.W, vectors = (plane + lanes - 1) / lanes, taps = p.kH * p.kW;
    for (int64_t ki = 0; ki < p.kH; ++ki)
      for (int64_t kj = 0; kj < p.kW; ++kj) offsets.push_back((ki - p.pad_h) * p.W + (kj - p.pad_w));
    bits.assign(static_cast<size_t>(vectors * taps), 0);
    interior.assign(static_cast<size_t>(vectors), 1);
    for (int64_t v = 0; v < vectors; ++v)
      for (int64_t t = 0; t < taps; ++t) {
        const int64_t ki = t / p.kW, kj = t % p.kW;
        uint32_t b = 0;
        for (int64_t l = 0; l < lanes; ++l) {
          const int64_t o = v * lanes + l, ih = o / p.W + ki - p.pad_h, iw = o % p.W + kj - p.pad_w;
          if (o < plane && ih >= 0 && ih < p.H && iw >= 0 && iw < p.W) b |= uint32_t(1) << l;
        }
        bits[static_cast<size_t>(v * taps + t)] = b;
        if (b != (uint32_t(1) << lanes) - 1) interior[static_cast<size_t>(v)] = 0;
      }
    view = {plane, vectors, taps, offsets.data(), bits.data(), interior.data()};
  }
};

void forward(const PlaneIsa& isa, const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  const int64_t plane = p.H * p.W, out_plane = p.H_out() * p.W_out(), mult = p.C_out / p.C_in, taps = p.kH * p.kW;
  if (is_stride2_3x3(p)) {
    const DepthwiseStride2Geometry g = stride2_geometry(p);
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
    for (int64_t nc = 0; nc < p.N * p.C_out; ++nc) {
      const int64_t n = nc / p.C_out, co = nc % p.C_out;
      isa.forward_s2(x + (n * p.C_in + co / mult) * plane, w + co * taps, bias ? bias[co] : 0.0f, y + nc * out_plane,
                     g);
    }
    return;
  }
  if (!depthwise_vectorizable(p)) return depthwise_conv2d_forward(x, w, bias, y, p);
  const Geometry g(p, isa.lanes);
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t nc = 0; nc < p.N * p.C_out; ++nc) {
    const int64_t n = nc / p.C_out, co = nc % p.C_out;
    isa.forward(x + (n * p.C_in + co / mult) * plane, w + co * taps, bias ? bias[co] : 0.0f, y + nc * plane, false,
                g.view);
  }
}

void backward_data(const PlaneIsa& isa, const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  const int64_t plane = p.H * p.W, mult = p.C_out / p.C_in, taps = p.kH * p.kW;
  if (is_stride2_3x3(p)) {
    const DepthwiseStride2Geometry g = stride2_geometry(p);
    const int64_t out_plane = p.H_out() * p.W_out();
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
    for (int64_t nc = 0; nc < p.N * p.C_in; ++nc) {
      const int64_t n = nc / p.C_in, ci = nc % p.C_in;
      for (int64_t m = 0; m < mult; ++m) {
        const int64_t co = ci * mult + m;
        isa.data_s2(gy + (n * p.C_out + co) * out_plane, w + co * taps, gx + nc * plane, m > 0, g);
      }
    }
    return;
  }
  if (!depthwise_vectorizable(p)) return depthwise_conv2d_backward_data(gy, w, gx, p);
  const Geometry g(p, isa.lanes);
  // Tap (ki, kj) of the turned kernel is tap (kH−1−ki, kW−1−kj): the flattened index reversed.
  std::vector<float> turned(static_cast<size_t>(p.C_out * taps));
  for (int64_t co = 0; co < p.C_out; ++co)
    for (int64_t t = 0; t < taps; ++t) turned[static_cast<size_t>(co * taps + t)] = w[co * taps + taps - 1 - t];
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t nc = 0; nc < p.N * p.C_in; ++nc) {
    const int64_t n = nc / p.C_in, ci = nc % p.C_in;
    for (int64_t m = 0; m < mult; ++m) {
      const int64_t co = ci * mult + m;
      isa.forward(gy + (n * p.C_out + co) * plane, turned.data() + co * taps, 0.0f, gx + nc * plane, m > 0, g.view);
    }
  }
}

// One task per output channel: `channel(co, gw_sums, gb_sum)` adds the whole batch's products into
// the double sums, which are then rounded into gw and gb.
template <class Channel> void weight_per_channel(const Conv2dParams& p, float* gw, float* gb, Channel&& channel) {
  const int64_t taps = p.kH * p.kW;
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t co = 0; co < p.C_out; ++co) {
    double acc[kDepthwiseMaxTaps] = {}, bsum = 0;
    channel(co, acc, &bsum);
    for (int64_t t = 0; t < taps; ++t) gw[co * taps + t] = static_cast<float>(acc[t]);
    if (gb) gb[co] = static_cast<float>(bsum);
  }
}

void backward_weight(const PlaneIsa& isa, const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p) {
  const int64_t plane = p.H * p.W, out_plane = p.H_out() * p.W_out(), mult = p.C_out / p.C_in;
  const int64_t x_step = p.C_in * plane, gy_step = p.C_out * out_plane;  // from one sample to the next
  if (is_stride2_3x3(p)) {
    const DepthwiseStride2Geometry g = stride2_geometry(p);
    return weight_per_channel(p, gw, gb, [&](int64_t co, double* acc, double* bsum) {
      isa.weight_s2(x + (co / mult) * plane, x_step, gy + co * out_plane, gy_step, p.N, acc, bsum, g);
    });
  }
  if (!depthwise_vectorizable(p)) return depthwise_conv2d_backward_weight(x, gy, gw, gb, p);
  const Geometry g(p, isa.lanes);
  weight_per_channel(p, gw, gb, [&](int64_t co, double* acc, double* bsum) {
    isa.weight(x + (co / mult) * plane, x_step, gy + co * out_plane, gy_step, p.N, acc, bsum, g.view);
  });
}

}  // namespace

bool depthwise_vectorizable(const Conv2dParams& p) {
  return p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.kH % 2 == 1 &&
         p.kW % 2 == 1 && p.pad_h == (p.kH - 1) / 2 && p.pad_w == (p.kW - 1) / 2 && p.kH * p.kW <= kDepthwiseMaxTaps;
}

void depthwise_conv2d_forward_avx2(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  forward(kAvx2, x, w, bias, y, p);
}
void depthwise_conv2d_backward_data_avx2(const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  backward_data(kAvx2, gy, w, gx, p);
}
void depthwise_conv2d_backward_weight_avx2(const float* x, const float* gy, float* gw, float* gb,
                                           const Conv2dParams& p) {
  backward_weight(kAvx2, x, gy, gw, gb, p);
}
void depthwise_conv2d_forward_avx512(const float* x, const float* w, const float* bias, float* y,
                                     const Conv2dParams& p) {
  forward(kAvx512, x, w, bias, y, p);
}
void depthwise_conv2d_backward_data_avx512(const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  backward_data(kAvx512, gy, w, gx, p);
}
void depthwise_conv2d_backward_weight_avx512(const float* x, const float* gy, float* gw, float* gb,
                                             const Conv2dParams& p) {
  backward_weight(kAvx512, x, gy, gw, gb, p);
}

}  // namespace thorax::kernels::cpu
