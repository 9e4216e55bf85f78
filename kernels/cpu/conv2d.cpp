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
void im2col(const float* x, float* col, int64_t channels, const Conv2dParams& p, const Dims& d) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t ki = 0; ki < p.kH; ++ki)
      for (int64_t kj = 0; kj < p.kW; ++kj) {
        float* row = col + ((c * p.kH + ki) * p.kW + kj) * d.plane;
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
void col2im(const float* col, float* gx, int64_t channels, const Conv2dParams& p, const Dims& d) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t ki = 0; ki < p.kH; ++ki) {
      const int64_t off_h = ki * p.dilation_h - p.pad_h;
      const WindowRange rh = window_range(off_h, p.stride_h, p.H, d.Ho);
      for (int64_t kj = 0; kj < p.kW; ++kj) {
        const float* row = col + ((c * p.kH + ki) * p.kW + kj) * d.plane;
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

}  // namespace

void conv2d_im2col_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  const auto gemm = gemm_op().cpu();
  const Dims d(p);
  const bool pointwise = is_pointwise(p);
  // When the batch loop is parallel, the GEMM's own parallel region nests inside it and runs on one thread.
#pragma omp parallel if (batch_parallel(p))
  {
    std::vector<float> col(pointwise ? 0 : static_cast<size_t>(d.K * d.plane));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < p.N; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const float* xg = x + (n * p.C_in + g * d.cig) * p.H * p.W;
        if (!pointwise) im2col(xg, col.data(), d.cig, p, d);
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
        col2im(col.data(), gxg, d.cig, p, d);
      }
  }
}

void conv2d_im2col_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p) {
  const auto gemm = gemm_op().cpu();
  const Dims d(p);
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
          if (!pointwise) im2col(xg, col.data(), d.cig, p, d);
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
  if (!gb) return;
#pragma omp parallel for schedule(static) if (p.C_out * p.N * d.plane > (1 << 16))
  for (int64_t co = 0; co < p.C_out; ++co) {
    double s = 0;
    for (int64_t n = 0; n < p.N; ++n) {
      const float* row = gy + (n * p.C_out + co) * d.plane;
      float part = 0;
#pragma omp simd reduction(+ : part)
      for (int64_t i = 0; i < d.plane; ++i) part += row[i];
      s += part;
    }
    gb[co] = static_cast<float>(s);
  }
}

}  // namespace thorax::kernels::cpu
