#include "kernels/cpu/conv2d.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "kernels/cpu/window_range.h"
#include "kernels/gemm.h"

namespace thorax::kernels::cpu {

namespace {

// Below this many FLOPs a conv is not worth waking the thread team for.
constexpr double kParallelFlops = 1 << 16;
// The weight gradient is summed over at most this many batch chunks (fixed, not the thread count, so
// the summation order and hence the result are the same on every machine).
constexpr int64_t kWeightChunks = 4;

struct Dims {
  int64_t Ho, Wo, plane, cig, cog, K;  // K: the GEMM inner size, (C_in/groups)·kH·kW
  explicit Dims(const Conv2dParams& p)
      : Ho(p.H_out()), Wo(p.W_out()), plane(Ho * Wo), cig(p.C_in / p.groups), cog(p.C_out / p.groups),
        K(cig * p.kH * p.kW) {}
};

// 1×1, stride 1, no padding: the input planes already are the unfolded matrix.
bool is_pointwise(const Conv2dParams& p) {
  return p.kH == 1 && p.kW == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_h == 0 && p.pad_w == 0;
}

// Unfolds `channels` input planes into col, a (channels·kH·kW) × (Ho·Wo) matrix: row (c, ki, kj) holds,
// for every output position, the input value that tap reads (0 where it reads padding).
// ld is col's row stride (d.plane for one sample; N·plane when the batch shares one matrix).
void im2col(const float* x, float* col, int64_t channels, const Conv2dParams& p, const Dims& d, int64_t ld) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t ki = 0; ki < p.kH; ++ki)
      for (int64_t kj = 0; kj < p.kW; ++kj) {
        float* row = col + ((c * p.kH + ki) * p.kW + kj) * ld;
        const int64_t off_w = kj * p.dilation_w - p.pad_w;
        const WindowRange rw = window_range(off_w, p.stride_w, p.W, d.Wo);
        for (int64_t oh = 0; oh < d.Ho; ++oh) {
          float* dst = row + oh * d.Wo;
          const int64_t ih = oh * p.stride_h - p.pad_h + ki * p.dilation_h;
          if (ih < 0 || ih >= p.H) {
            std::fill(dst, dst + d.Wo, 0.0f);
            continue;
          }
          const float* src = x + (c * p.H + ih) * p.W;
          std::fill(dst, dst + rw.lo, 0.0f);
          if (p.stride_w == 1) {
            std::copy(src + rw.lo + off_w, src + rw.hi + off_w, dst + rw.lo);
          } else {
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) dst[ow] = src[ow * p.stride_w + off_w];
          }
          std::fill(dst + rw.hi, dst + d.Wo, 0.0f);
        }
      }
}

// The adjoint of im2col: adds every entry of col back onto the input position it was read from.
// gx must be zeroed by the caller.
void col2im(const float* col, float* gx, int64_t channels, const Conv2dParams& p, const Dims& d, int64_t ld) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t ki = 0; ki < p.kH; ++ki) {
      const int64_t off_h = ki * p.dilation_h - p.pad_h;
      const WindowRange rh = window_range(off_h, p.stride_h, p.H, d.Ho);
      for (int64_t kj = 0; kj < p.kW; ++kj) {
        const float* row = col + ((c * p.kH + ki) * p.kW + kj) * ld;
        const int64_t off_w = kj * p.dilation_w - p.pad_w;
        const WindowRange rw = window_range(off_w, p.stride_w, p.W, d.Wo);
        for (int64_t oh = rh.lo; oh < rh.hi; ++oh) {
          float* dst = gx + (c * p.H + oh * p.stride_h + off_h) * p.W;
          const float* src = row + oh * d.Wo;
          if (p.stride_w == 1) {
#pragma omp simd
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) dst[ow + off_w] += src[ow];
          } else {
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) dst[ow * p.stride_w + off_w] += src[ow];
          }
        }
      }
    }
}

bool batch_parallel(const Conv2dParams& p) { return p.N > 1 && omp_get_max_threads() > 1 && p.flops() > kParallelFlops; }

// Small output maps (ResNet's 14×14 and 7×7 stages): one GEMM per group for the whole batch, over
// N·plane columns, instead of one per sample. A per-sample GEMM there has few columns, so it re-reads
// (or re-packs) the whole weight matrix for every sample, and the weight gradient's inner size would
// be just the plane. The unfolded batch then takes K·N·plane floats, bounded by kFoldMaxFloats.
constexpr int64_t kFoldMaxPlane = 256;
constexpr int64_t kFoldMaxFloats = int64_t(16) << 20;
bool fold_batch(const Conv2dParams& p, const Dims& d) {
  return p.N > 1 && d.plane <= kFoldMaxPlane && d.K * p.N * d.plane <= kFoldMaxFloats;
}

// The batch of group g unfolded into one K × N·plane matrix: sample n's columns at n·plane.
void unfold_batch(const float* x, float* col, int64_t g, const Conv2dParams& p, const Dims& d) {
  const int64_t ld = p.N * d.plane;
#pragma omp parallel for schedule(static) if (batch_parallel(p))
  for (int64_t n = 0; n < p.N; ++n) {
    const float* xg = x + (n * p.C_in + g * d.cig) * p.H * p.W;
    if (is_pointwise(p)) {
      for (int64_t c = 0; c < d.cig; ++c) std::copy(xg + c * d.plane, xg + (c + 1) * d.plane, col + c * ld + n * d.plane);
    } else {
      im2col(xg, col + n * d.plane, d.cig, p, d, ld);
    }
  }
}

// Between a tensor of `channels`-of-`total` planes per sample, starting at channel c0 (NCHW), and a
// channels × N·plane matrix (sample n's columns at n·plane): gather (to_matrix) or scatter.
void batch_planes(const float* from, float* to, int64_t c0, int64_t channels, int64_t total, int64_t plane, int64_t N,
                  bool to_matrix) {
#pragma omp parallel for collapse(2) schedule(static) if (N * channels * plane > (1 << 16))
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t t = (n * total + c0 + c) * plane, m = c * N * plane + n * plane;
      if (to_matrix) std::copy(from + t, from + t + plane, to + m);
      else std::copy(from + m, from + m + plane, to + t);
    }
}

void forward_folded(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p, const Dims& d) {
  const auto gemm = gemm_op().cpu();
  const int64_t cols = p.N * d.plane;
  std::vector<float> col(static_cast<size_t>(d.K * cols)), out(static_cast<size_t>(d.cog * cols));
  for (int64_t g = 0; g < p.groups; ++g) {
    unfold_batch(x, col.data(), g, p, d);
    gemm(false, false, d.cog, cols, d.K, 1.0f, w + g * d.cog * d.K, d.K, col.data(), cols, 0.0f, out.data(), cols);
    batch_planes(out.data(), y, g * d.cog, d.cog, p.C_out, d.plane, p.N, false);
  }
  if (!bias) return;
#pragma omp parallel for collapse(2) schedule(static) if (p.N * p.C_out * d.plane > (1 << 16))
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t c = 0; c < p.C_out; ++c) {
      float* row = y + (n * p.C_out + c) * d.plane;
      const float b = bias[c];
#pragma omp simd
      for (int64_t i = 0; i < d.plane; ++i) row[i] += b;
    }
}

void backward_data_folded(const float* gy, const float* w, float* gx, const Conv2dParams& p, const Dims& d) {
  const auto gemm = gemm_op().cpu();
  const int64_t cols = p.N * d.plane;
  std::vector<float> col(static_cast<size_t>(d.K * cols)), gy_g(static_cast<size_t>(d.cog * cols));
  for (int64_t g = 0; g < p.groups; ++g) {
    batch_planes(gy, gy_g.data(), g * d.cog, d.cog, p.C_out, d.plane, p.N, true);
    gemm(true, false, d.K, cols, d.cog, 1.0f, w + g * d.cog * d.K, d.K, gy_g.data(), cols, 0.0f, col.data(), cols);
#pragma omp parallel for schedule(static) if (batch_parallel(p))
    for (int64_t n = 0; n < p.N; ++n) {
      float* gxg = gx + (n * p.C_in + g * d.cig) * p.H * p.W;
      if (is_pointwise(p)) {
        for (int64_t c = 0; c < d.cig; ++c)
          std::copy(col.data() + c * cols + n * d.plane, col.data() + c * cols + (n + 1) * d.plane, gxg + c * d.plane);
      } else {
        std::fill(gxg, gxg + d.cig * p.H * p.W, 0.0f);
        col2im(col.data() + n * d.plane, gxg, d.cig, p, d, cols);
      }
    }
  }
}

void backward_weight_folded(const float* x, const float* gy, float* gw, const Conv2dParams& p, const Dims& d) {
  const auto gemm = gemm_op().cpu();
  const int64_t cols = p.N * d.plane;
  std::vector<float> col(static_cast<size_t>(d.K * cols)), gy_g(static_cast<size_t>(d.cog * cols));
  for (int64_t g = 0; g < p.groups; ++g) {
    unfold_batch(x, col.data(), g, p, d);
    batch_planes(gy, gy_g.data(), g * d.cog, d.cog, p.C_out, d.plane, p.N, true);
    // gw_g (cog × K) = gy_g (cog × N·plane) · colᵀ (N·plane × K)
    gemm(false, true, d.cog, d.K, cols, 1.0f, gy_g.data(), cols, col.data(), cols, 0.0f, gw + g * d.cog * d.K, d.K);
  }
}

// The weight gradient one sample at a time, the samples in kWeightChunks fixed chunks.
void backward_weight_per_sample(const float* x, const float* gy, float* gw, const Conv2dParams& p, const Dims& d) {
  const auto gemm = gemm_op().cpu();
  const bool pointwise = is_pointwise(p);
  const int64_t wsize = p.C_out * d.K;
  const int64_t chunks = std::max<int64_t>(1, std::min(p.N, kWeightChunks));
  // Chunk 0 sums straight into gw; the others into their own partial, added in chunk order below.
  std::vector<float> partial(static_cast<size_t>((chunks - 1) * wsize));
  if (p.N == 0) std::fill(gw, gw + wsize, 0.0f);
#pragma omp parallel if (chunks > 1 && omp_get_max_threads() > 1 && p.flops() > kParallelFlops)
  {
    std::vector<float> col(pointwise ? 0 : static_cast<size_t>(d.K * d.plane));
#pragma omp for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      float* acc = c == 0 ? gw : partial.data() + (c - 1) * wsize;
      const int64_t n0 = c * p.N / chunks, n1 = (c + 1) * p.N / chunks;
      for (int64_t n = n0; n < n1; ++n)
        for (int64_t g = 0; g < p.groups; ++g) {
          const float* xg = x + (n * p.C_in + g * d.cig) * p.H * p.W;
          if (!pointwise) im2col(xg, col.data(), d.cig, p, d, d.plane);
          // gw_g (cog × K) += gy_g (cog × plane) · colᵀ (plane × K)
          gemm(false, true, d.cog, d.K, d.plane, 1.0f, gy + (n * p.C_out + g * d.cog) * d.plane, d.plane,
               pointwise ? xg : col.data(), d.plane, n == n0 ? 0.0f : 1.0f, acc + g * d.cog * d.K, d.K);
        }
    }
  }
  for (int64_t c = 1; c < chunks; ++c) {
    const float* part = partial.data() + (c - 1) * wsize;
#pragma omp simd
    for (int64_t i = 0; i < wsize; ++i) gw[i] += part[i];
  }
}

}  // namespace

void conv2d_im2col_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  const auto gemm = gemm_op().cpu();
  const Dims d(p);
  if (fold_batch(p, d)) return forward_folded(x, w, bias, y, p, d);
  const bool pointwise = is_pointwise(p);
  // When the batch loop is parallel, the GEMM's own parallel region nests inside it and runs on one thread.
#pragma omp parallel if (batch_parallel(p))
  {
    std::vector<float> col(pointwise ? 0 : static_cast<size_t>(d.K * d.plane));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < p.N; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const float* xg = x + (n * p.C_in + g * d.cig) * p.H * p.W;
        if (!pointwise) im2col(xg, col.data(), d.cig, p, d, d.plane);
        float* yg = y + (n * p.C_out + g * d.cog) * d.plane;
        gemm(false, false, d.cog, d.plane, d.K, 1.0f, w + g * d.cog * d.K, d.K, pointwise ? xg : col.data(), d.plane,
             0.0f, yg, d.plane);
        if (bias)
          for (int64_t c = 0; c < d.cog; ++c) {
            const float b = bias[g * d.cog + c];
            float* row = yg + c * d.plane;
#pragma omp simd
            for (int64_t i = 0; i < d.plane; ++i) row[i] += b;
          }
      }
  }
}

void conv2d_im2col_backward_data(const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  const auto gemm = gemm_op().cpu();
  const Dims d(p);
  if (fold_batch(p, d)) return backward_data_folded(gy, w, gx, p, d);
  const bool pointwise = is_pointwise(p);
#pragma omp parallel if (batch_parallel(p))
  {
    std::vector<float> col(pointwise ? 0 : static_cast<size_t>(d.K * d.plane));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < p.N; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const float* gyg = gy + (n * p.C_out + g * d.cog) * d.plane;
        float* gxg = gx + (n * p.C_in + g * d.cig) * p.H * p.W;
        // col = W_gᵀ · gy_g: for every tap, what flows back to the input position it read.
        gemm(true, false, d.K, d.plane, d.cog, 1.0f, w + g * d.cog * d.K, d.K, gyg, d.plane, 0.0f,
             pointwise ? gxg : col.data(), d.plane);
        if (pointwise) continue;
        std::fill(gxg, gxg + d.cig * p.H * p.W, 0.0f);
        col2im(col.data(), gxg, d.cig, p, d, d.plane);
      }
  }
}

void conv2d_im2col_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p) {
  const Dims d(p);
  if (fold_batch(p, d)) backward_weight_folded(x, gy, gw, p, d);
  else backward_weight_per_sample(x, gy, gw, p, d);
  if (gb) conv2d_bias_gradient(gy, gb, p);
}

void conv2d_bias_gradient(const float* gy, float* gb, const Conv2dParams& p) {
  const int64_t plane = p.H_out() * p.W_out();
#pragma omp parallel for schedule(static) if (p.C_out * p.N * plane > (1 << 16))
  for (int64_t co = 0; co < p.C_out; ++co) {
    double s = 0;
    for (int64_t n = 0; n < p.N; ++n) {
      const float* row = gy + (n * p.C_out + co) * plane;
      float part = 0;
#pragma omp simd reduction(+ : part)
      for (int64_t i = 0; i < plane; ++i) part += row[i];
      s += part;
    }
    gb[co] = static_cast<float>(s);
  }
}

}  // namespace thorax::kernels::cpu
