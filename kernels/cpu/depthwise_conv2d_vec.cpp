#include "kernels/cpu/depthwise_conv2d_vec.h"

#include <vector>

#include "kernels/cpu/depthwise_blocked.h"
#include "kernels/cpu/depthwise_conv2d.h"

namespace thorax::kernels::cpu {

namespace {

constexpr double kParallelFlops = 1 << 15;

struct PlaneIsa {
  const DepthwiseBlockedKernels& blocked;
  int64_t lanes;
  DepthwisePlaneForwardFn forward;
  DepthwisePlaneWeightFn weight;
  DepthwiseStride2ForwardFn forward_s2;
  DepthwiseStride2DataFn data_s2;
  DepthwiseStride2WeightFn weight_s2;
};
const PlaneIsa kAvx2{kDepthwiseBlockedAvx2,     kDepthwiseAvx2Lanes,    depthwise_plane_forward_avx2,
                     depthwise_plane_weight_avx2, depthwise_s2_forward_avx2, depthwise_s2_data_avx2,
                     depthwise_s2_weight_avx2};
const PlaneIsa kAvx512{kDepthwiseBlockedAvx512,     kDepthwiseAvx512Lanes,    depthwise_plane_forward_avx512,
                       depthwise_plane_weight_avx512, depthwise_s2_forward_avx512, depthwise_s2_data_avx512,
                       depthwise_s2_weight_avx512};

// Input maps up to this many pixels run the channel-blocked loops (kernels/cpu/depthwise_blocked.h) at
// stride 1 (2): there a vector of consecutive pixels spans rows and most taps need masks (MobileNetV2's
// 28×28, 14×14 and 7×7 maps). Measured: above, the flattened-plane and row-split stride-2 loops win.
constexpr int64_t kBlockedMaxPlane = 28 * 28, kBlockedMaxPlaneStride2 = 14 * 14;

// 3×3, stride 1 or 2, padding ≤ 2, dilation 1, one filter per channel, on a small map.
bool blocked_applies(const Conv2dParams& p) {
  return p.kH == 3 && p.kW == 3 && p.stride_h == p.stride_w && p.stride_h <= 2 && p.pad_h == p.pad_w &&
         p.pad_h <= 2 && p.dilation_h == 1 && p.dilation_w == 1 && p.C_out == p.C_in &&
         p.H * p.W <= (p.stride_h == 1 ? kBlockedMaxPlane : kBlockedMaxPlaneStride2);
}

DepthwiseBlock block_geometry(const Conv2dParams& p) {
  return {p.H, p.W, p.H_out(), p.W_out(), p.stride_h, p.pad_h};
}

// `body(c0, channels, scratch)` for every block of `lanes` channels, blocks shared among the threads.
template <class Body> void for_each_block(const Conv2dParams& p, int64_t lanes, int64_t scratch_floats, Body&& body) {
  const int64_t blocks = (p.C_in + lanes - 1) / lanes;
#pragma omp parallel if (p.flops() > kParallelFlops && blocks > 1)
  {
    std::vector<float> scratch(static_cast<size_t>(scratch_floats));
#pragma omp for schedule(static)
    for (int64_t b = 0; b < blocks; ++b) body(b * lanes, std::min(lanes, p.C_in - b * lanes), scratch.data());
  }
}

// Planes of at least this many pixels are one task per (sample, channel): consecutive tasks then read
// consecutive planes. Smaller ones are one task per channel over the whole batch, so the kernel's taps
// and tables are set up once for all its planes.
constexpr int64_t kSamplePlanes = 32 * 32;

// body(n0, count, c) for every channel c < channels and the batch's samples, in runs of `count` from n0.
template <class Body> void for_planes(const Conv2dParams& p, int64_t channels, int64_t plane, Body&& body) {
  const int64_t per_task = plane >= kSamplePlanes ? 1 : p.N, tasks = p.N / per_task * channels;
#pragma omp parallel for schedule(static) if (p.flops() > kParallelFlops)
  for (int64_t t = 0; t < tasks; ++t) body(t / channels * per_task, per_task, t % channels);
}

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
  const int64_t x_step = p.C_in * plane, y_step = p.C_out * out_plane;  // from one sample to the next
  if (blocked_applies(p)) {
    const DepthwiseBlock b = block_geometry(p);
    return for_each_block(p, isa.blocked.lanes, isa.blocked.scratch_floats(b), [&](int64_t c0, int64_t ch, float* s) {
      isa.blocked.forward(x + c0 * plane, x_step, w + c0 * taps, bias ? bias + c0 : nullptr, y + c0 * out_plane, y_step,
                          ch, p.N, b, s);
    });
  }
  if (is_stride2_3x3(p)) {
    const DepthwiseStride2Geometry g = stride2_geometry(p);
    return for_planes(p, p.C_out, plane, [&](int64_t n0, int64_t count, int64_t co) {
      isa.forward_s2(x + n0 * x_step + co / mult * plane, x_step, w + co * taps, bias ? bias[co] : 0.0f,
                     y + n0 * y_step + co * out_plane, y_step, count, g);
    });
  }
  if (!depthwise_vectorizable(p)) return depthwise_conv2d_forward(x, w, bias, y, p);
  const Geometry g(p, isa.lanes);
  for_planes(p, p.C_out, plane, [&](int64_t n0, int64_t count, int64_t co) {
    isa.forward(x + n0 * x_step + co / mult * plane, x_step, w + co * taps, bias ? bias[co] : 0.0f,
                y + n0 * y_step + co * plane, y_step, count, false, g.view);
  });
}

void backward_data(const PlaneIsa& isa, const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  const int64_t plane = p.H * p.W, mult = p.C_out / p.C_in, taps = p.kH * p.kW;
  const int64_t gx_step = p.C_in * plane;
  if (blocked_applies(p) && p.stride_h == 1) {
    // The transposed convolution at stride 1: gy convolved with the kernels turned 180°, padding 2 − pad.
    const int64_t out_plane = p.H_out() * p.W_out();
    const DepthwiseBlock b{p.H_out(), p.W_out(), p.H, p.W, 1, 2 - p.pad_h};
    std::vector<float> turned(static_cast<size_t>(p.C_out * taps));
    for (int64_t c = 0; c < p.C_out; ++c)
      for (int64_t t = 0; t < taps; ++t) turned[static_cast<size_t>(c * taps + t)] = w[c * taps + taps - 1 - t];
    return for_each_block(p, isa.blocked.lanes, isa.blocked.scratch_floats(b), [&](int64_t c0, int64_t ch, float* s) {
      isa.blocked.forward(gy + c0 * out_plane, p.C_out * out_plane, turned.data() + c0 * taps, nullptr, gx + c0 * plane,
                          gx_step, ch, p.N, b, s);
    });
  }
  if (is_stride2_3x3(p)) {
    const DepthwiseStride2Geometry g = stride2_geometry(p);
    const int64_t out_plane = p.H_out() * p.W_out(), gy_step = p.C_out * out_plane;
    return for_planes(p, p.C_in, plane, [&](int64_t n0, int64_t count, int64_t ci) {
      for (int64_t m = 0; m < mult; ++m) {
        const int64_t co = ci * mult + m;
        isa.data_s2(gy + n0 * gy_step + co * out_plane, gy_step, w + co * taps, gx + n0 * gx_step + ci * plane, gx_step,
                    count, m > 0, g);
      }
    });
  }
  if (!depthwise_vectorizable(p)) return depthwise_conv2d_backward_data(gy, w, gx, p);
  const Geometry g(p, isa.lanes);
  // Tap (ki, kj) of the turned kernel is tap (kH−1−ki, kW−1−kj): the flattened index reversed.
  std::vector<float> turned(static_cast<size_t>(p.C_out * taps));
  for (int64_t co = 0; co < p.C_out; ++co)
    for (int64_t t = 0; t < taps; ++t) turned[static_cast<size_t>(co * taps + t)] = w[co * taps + taps - 1 - t];
  const int64_t gy_step = p.C_out * plane;
  for_planes(p, p.C_in, plane, [&](int64_t n0, int64_t count, int64_t ci) {
    for (int64_t m = 0; m < mult; ++m) {
      const int64_t co = ci * mult + m;
      isa.forward(gy + n0 * gy_step + co * plane, gy_step, turned.data() + co * taps, 0.0f,
                  gx + n0 * gx_step + ci * plane, gx_step, count, m > 0, g.view);
    }
  });
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
  if (blocked_applies(p)) {
    const DepthwiseBlock b = block_geometry(p);
    const int64_t L = isa.blocked.lanes;
    return for_each_block(p, L, isa.blocked.scratch_floats(b), [&](int64_t c0, int64_t ch, float* s) {
      double acc[kDepthwiseMaxTaps * 16] = {}, bsum[16] = {};  // 16: the widest vector's lanes
      isa.blocked.weight(x + c0 * plane, x_step, gy + c0 * out_plane, gy_step, ch, p.N, b, acc, gb ? bsum : nullptr, s);
      for (int64_t l = 0; l < ch; ++l) {
        for (int64_t t = 0; t < 9; ++t) gw[(c0 + l) * 9 + t] = static_cast<float>(acc[l * 9 + t]);
        if (gb) gb[c0 + l] = static_cast<float>(bsum[l]);
      }
    });
  }
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
