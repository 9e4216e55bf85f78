// Max and average pooling, forward and backward. One version each.
//
// Layout: NCHW dense, x (N, C, H, W), y and argmax (N, C, H_out, W_out).
// FLOPs: N·C·H_out·W_out·kH·kW compares or adds, forward and backward alike.
// Forwards give each output to one thread. Backwards give each INPUT to one thread, which gathers from the
// outputs whose window covers it (at most ceil(kH/stride_h)·ceil(kW/stride_w) of them) instead of each
// output scattering into its window: overlapping windows would need atomicAdd to scatter, and atomics make
// the sums' order, and so the result, vary from run to run. Gathering writes each gx once: deterministic.
// Limits: those of kernels/pool2d.h (pad <= kernel/2, so no window lies wholly in the padding).
#include <cmath>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/pool2d.h"

namespace thorax::cuda {

__global__ void max_pool2d_forward_kernel(const float* x, float* y, std::int64_t* argmax, Pool2dShape p) {
  const std::int64_t total = p.N * p.C * p.H_out * p.W_out;
  for (std::int64_t o = detail::first_index(); o < total; o += detail::grid_stride()) {
    const std::int64_t ow = o % p.W_out, oh = o / p.W_out % p.H_out, nc = o / (p.W_out * p.H_out);
    const float* plane = x + nc * p.H * p.W;
    float best = -INFINITY;
    std::int64_t arg = -1;
    for (std::int64_t ki = 0; ki < p.kH; ++ki) {
      const std::int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
      if (ih < 0 || ih >= p.H) continue;
      for (std::int64_t kj = 0; kj < p.kW; ++kj) {
        const std::int64_t iw = ow * p.stride_w - p.pad_w + kj * p.dilation_w;
        if (iw < 0 || iw >= p.W) continue;
        const float v = plane[ih * p.W + iw];
        if (arg < 0 || v > best || isnan(v)) best = v, arg = ih * p.W + iw;
      }
    }
    y[o] = best;
    argmax[o] = arg;
  }
}

__global__ void max_pool2d_backward_kernel(const float* gy, const std::int64_t* argmax, float* gx, Pool2dShape p) {
  const std::int64_t total = p.N * p.C * p.H * p.W;
  for (std::int64_t i = detail::first_index(); i < total; i += detail::grid_stride()) {
    const std::int64_t iw = i % p.W, ih = i / p.W % p.H, nc = i / (p.W * p.H);
    const std::int64_t* arg = argmax + nc * p.H_out * p.W_out;
    const float* g = gy + nc * p.H_out * p.W_out;
    float acc = 0.0f;
    // Tap ki of output oh lands on ih when oh·stride − pad + ki·dilation = ih.
    for (std::int64_t ki = 0; ki < p.kH; ++ki) {
      const std::int64_t th = ih + p.pad_h - ki * p.dilation_h;
      if (th < 0 || th % p.stride_h != 0 || th / p.stride_h >= p.H_out) continue;
      const std::int64_t oh = th / p.stride_h;
      for (std::int64_t kj = 0; kj < p.kW; ++kj) {
        const std::int64_t tw = iw + p.pad_w - kj * p.dilation_w;
        if (tw < 0 || tw % p.stride_w != 0 || tw / p.stride_w >= p.W_out) continue;
        const std::int64_t o = oh * p.W_out + tw / p.stride_w;
        if (arg[o] == ih * p.W + iw) acc += g[o];
      }
    }
    gx[i] = acc;
  }
}

namespace {

// The window of output (oh, ow) clipped to the input, and torch's divisor for it (kernels/reference's
// avg_window, on the device).
struct AvgWindow {
  std::int64_t h0, h1, w0, w1, divisor;
};
__device__ __forceinline__ AvgWindow avg_window(std::int64_t oh, std::int64_t ow, const Pool2dShape& p) {
  std::int64_t h0 = oh * p.stride_h - p.pad_h, w0 = ow * p.stride_w - p.pad_w;
  std::int64_t h1 = detail::min64(h0 + p.kH, p.H + p.pad_h), w1 = detail::min64(w0 + p.kW, p.W + p.pad_w);
  const std::int64_t padded_area = (h1 - h0) * (w1 - w0);
  h0 = detail::max64(h0, 0), w0 = detail::max64(w0, 0);
  h1 = detail::min64(h1, p.H), w1 = detail::min64(w1, p.W);
  return {h0, h1, w0, w1, p.count_include_pad ? padded_area : (h1 - h0) * (w1 - w0)};
}

}  // namespace

__global__ void avg_pool2d_forward_kernel(const float* x, float* y, Pool2dShape p) {
  const std::int64_t total = p.N * p.C * p.H_out * p.W_out;
  for (std::int64_t o = detail::first_index(); o < total; o += detail::grid_stride()) {
    const std::int64_t ow = o % p.W_out, oh = o / p.W_out % p.H_out, nc = o / (p.W_out * p.H_out);
    const float* plane = x + nc * p.H * p.W;
    const AvgWindow win = avg_window(oh, ow, p);
    float s = 0.0f;
    for (std::int64_t ih = win.h0; ih < win.h1; ++ih)
      for (std::int64_t iw = win.w0; iw < win.w1; ++iw) s += plane[ih * p.W + iw];
    y[o] = s / static_cast<float>(win.divisor);
  }
}

__global__ void avg_pool2d_backward_kernel(const float* gy, float* gx, Pool2dShape p) {
  const std::int64_t total = p.N * p.C * p.H * p.W;
  for (std::int64_t i = detail::first_index(); i < total; i += detail::grid_stride()) {
    const std::int64_t iw = i % p.W, ih = i / p.W % p.H, nc = i / (p.W * p.H);
    const float* g = gy + nc * p.H_out * p.W_out;
    // Windows covering ih: oh·stride − pad <= ih < oh·stride − pad + kH.
    const std::int64_t th = ih + p.pad_h - p.kH + 1, tw = iw + p.pad_w - p.kW + 1;
    const std::int64_t oh0 = th <= 0 ? 0 : (th + p.stride_h - 1) / p.stride_h;
    const std::int64_t ow0 = tw <= 0 ? 0 : (tw + p.stride_w - 1) / p.stride_w;
    const std::int64_t oh1 = detail::min64((ih + p.pad_h) / p.stride_h, p.H_out - 1);
    const std::int64_t ow1 = detail::min64((iw + p.pad_w) / p.stride_w, p.W_out - 1);
    float acc = 0.0f;
    for (std::int64_t oh = oh0; oh <= oh1; ++oh)
      for (std::int64_t ow = ow0; ow <= ow1; ++ow)
        acc += g[oh * p.W_out + ow] / static_cast<float>(avg_window(oh, ow, p).divisor);
    gx[i] = acc;
  }
}

void max_pool2d_forward(const float* x, float* y, std::int64_t* argmax, const Pool2dShape& p, LaunchShape shape) {
  launch(THORAX_KERNEL(max_pool2d_forward_kernel), Dim3(detail::grid_for(p.N * p.C * p.H_out * p.W_out, shape)),
         Dim3(shape.block), 0, x, y, argmax, p);
}

void max_pool2d_backward(const float* gy, const std::int64_t* argmax, float* gx, const Pool2dShape& p,
                         LaunchShape shape) {
  launch(THORAX_KERNEL(max_pool2d_backward_kernel), Dim3(detail::grid_for(p.N * p.C * p.H * p.W, shape)),
         Dim3(shape.block), 0, gy, argmax, gx, p);
}

void avg_pool2d_forward(const float* x, float* y, const Pool2dShape& p, LaunchShape shape) {
  launch(THORAX_KERNEL(avg_pool2d_forward_kernel), Dim3(detail::grid_for(p.N * p.C * p.H_out * p.W_out, shape)),
         Dim3(shape.block), 0, x, y, p);
}

void avg_pool2d_backward(const float* gy, float* gx, const Pool2dShape& p, LaunchShape shape) {
  launch(THORAX_KERNEL(avg_pool2d_backward_kernel), Dim3(detail::grid_for(p.N * p.C * p.H * p.W, shape)),
         Dim3(shape.block), 0, gy, gx, p);
}

}  // namespace thorax::cuda
