// Convolution as implicit GEMM: forward, backward-data and backward-weight, groups = 1. One version each
// (later versions — register blocking, as sgemm v3 — go here with the next numbers).
//
// Each pass is a matrix product whose operands are never materialized (no im2col buffer): the kernel
// gathers a GEMM element from the tensors at the moment it stages a tile in shared memory.
//   forward          y[co, (n,oh,ow)]   = Σ_k  w[co, k]            · X[k, (n,oh,ow)]   M=C_out, N=N·Ho·Wo, K=C_in·kH·kW
//   backward-data    gx[c, (n,ih,iw)]   = Σ_k' w[co, c, ki, kj]    · GY[k', (n,ih,iw)] M=C_in,  N=N·H·W,   K=C_out·kH·kW
//   backward-weight  gw[co, k]          = Σ_p  gy[co, p]           · X[k, p]           M=C_out, N=C_in·kH·kW, K=N·Ho·Wo
// with k = (c, ki, kj), X[k, p] the input tap k of output pixel p (0 on the padding: the im2col matrix),
// k' = (co, ki, kj) and GY[k', (n,ih,iw)] the gradient of the output pixel whose tap (ki, kj) lands on
// (ih, iw), or 0 when none does (stride skips it, or it falls outside the output).
// FLOPs: 2·N·C_out·H_out·W_out·C_in·kH·kW per pass (counting the padding taps as the GEMM does).
// Tiling as sgemm_tiled (gemm.cu): tile x tile blocks of A and B in shared memory, two __syncthreads per K
// step; threadIdx.x runs along the GEMM's N, i.e. along output (or input) columns, so the gathers from x,
// gy and the stores are coalesced within a row. Accumulation in float32, in k order: deterministic.
// Limits: groups = 1; indices 64-bit; grid.y <= 65535 tiles of M (C_out or C_in <= 65535·tile).
#include <stdexcept>
#include <string>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/conv2d.h"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

namespace {

// The tiled product C = A·B of an M x K and a K x N matrix given by functions: a(i, k), b(k, j) load an
// element (callers return 0 outside the matrix), store(i, j, value) writes one of C (called only inside).
template <int TILE, class LoadA, class LoadB, class Store>
__device__ __forceinline__ void implicit_gemm_tile(std::int64_t M, std::int64_t N, std::int64_t K, const LoadA& a,
                                                   const LoadB& b, const Store& store) {
  __shared__ float As[TILE][TILE];
  __shared__ float Bs[TILE][TILE];
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * TILE + ty;
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * TILE + tx;
  float acc = 0.0f;
  for (std::int64_t k0 = 0; k0 < K; k0 += TILE) {
    As[ty][tx] = row < M && k0 + tx < K ? a(row, k0 + tx) : 0.0f;
    Bs[ty][tx] = k0 + ty < K && col < N ? b(k0 + ty, col) : 0.0f;
    __syncthreads();  // both tiles complete before anyone multiplies
    for (int k = 0; k < TILE; ++k) acc += As[ty][k] * Bs[k][tx];
    __syncthreads();  // nobody overwrites a tile another thread is still reading
  }
  if (row < M && col < N) store(row, col, acc);
}

// X[k, p]: input tap k = (c, ki, kj) of output pixel p = (n, oh, ow), 0 on the padding.
struct Im2col {
  const float* x;
  Conv2dShape s;
  __device__ float operator()(std::int64_t k, std::int64_t p) const {
    const std::int64_t kj = k % s.kW, ki = k / s.kW % s.kH, c = k / (s.kW * s.kH);
    const std::int64_t ow = p % s.W_out, oh = p / s.W_out % s.H_out, n = p / (s.W_out * s.H_out);
    const std::int64_t ih = oh * s.stride_h - s.pad_h + ki * s.dilation_h;
    const std::int64_t iw = ow * s.stride_w - s.pad_w + kj * s.dilation_w;
    if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) return 0.0f;
    return x[((n * s.C_in + c) * s.H + ih) * s.W + iw];
  }
};

// A dense row-major matrix with `cols` columns.
struct Rows {
  const float* m;
  std::int64_t cols;
  __device__ float operator()(std::int64_t i, std::int64_t k) const { return m[i * cols + k]; }
};

}  // namespace

template <int TILE>
__global__ void conv2d_forward_implicit_gemm_kernel(const float* x, const float* w, const float* bias, float* y,
                                                    Conv2dShape s) {
  const std::int64_t K = s.C_in * s.kH * s.kW, P = s.N * s.H_out * s.W_out, plane = s.H_out * s.W_out;
  auto store = [&](std::int64_t co, std::int64_t p, float acc) {
    y[(p / plane * s.C_out + co) * plane + p % plane] = acc + (bias ? bias[co] : 0.0f);
  };
  implicit_gemm_tile<TILE>(s.C_out, P, K, Rows{w, K}, Im2col{x, s}, store);
}

namespace {

// GY[k', q] for k' = (co, ki, kj) and input pixel q = (n, ih, iw): the gradient of the output pixel whose
// tap (ki, kj) lands on (ih, iw), or 0 when no output pixel's does.
struct OutputGradTaps {
  const float* gy;
  Conv2dShape s;
  __device__ float operator()(std::int64_t k, std::int64_t q) const {
    const std::int64_t kj = k % s.kW, ki = k / s.kW % s.kH, co = k / (s.kW * s.kH);
    const std::int64_t iw = q % s.W, ih = q / s.W % s.H, n = q / (s.W * s.H);
    const std::int64_t th = ih + s.pad_h - ki * s.dilation_h, tw = iw + s.pad_w - kj * s.dilation_w;
    if (th < 0 || tw < 0 || th % s.stride_h != 0 || tw % s.stride_w != 0) return 0.0f;
    const std::int64_t oh = th / s.stride_h, ow = tw / s.stride_w;
    if (oh >= s.H_out || ow >= s.W_out) return 0.0f;
    return gy[((n * s.C_out + co) * s.H_out + oh) * s.W_out + ow];
  }
};

// w[co, c, ki, kj] read as the (C_in) x (C_out·kH·kW) matrix A[c, (co, ki, kj)].
struct WeightByInputChannel {
  const float* w;
  Conv2dShape s;
  __device__ float operator()(std::int64_t c, std::int64_t k) const {
    const std::int64_t taps = s.kH * s.kW, co = k / taps;
    return w[(co * s.C_in + c) * taps + k % taps];
  }
};

// gy[co, p] for p = (n, oh, ow): the (C_out) x (N·Ho·Wo) matrix of output gradients.
struct OutputGradRows {
  const float* gy;
  Conv2dShape s;
  __device__ float operator()(std::int64_t co, std::int64_t p) const {
    const std::int64_t plane = s.H_out * s.W_out;
    return gy[(p / plane * s.C_out + co) * plane + p % plane];
  }
};

// X[k, p] read transposed, as B[p, k].
struct Im2colTransposed {
  Im2col im2col;
  __device__ float operator()(std::int64_t p, std::int64_t k) const { return im2col(k, p); }
};

}  // namespace

template <int TILE>
__global__ void conv2d_backward_data_implicit_gemm_kernel(const float* gy, const float* w, float* gx, Conv2dShape s) {
  const std::int64_t K = s.C_out * s.kH * s.kW, Q = s.N * s.H * s.W, plane = s.H * s.W;
  auto store = [&](std::int64_t c, std::int64_t q, float acc) { gx[(q / plane * s.C_in + c) * plane + q % plane] = acc; };
  implicit_gemm_tile<TILE>(s.C_in, Q, K, WeightByInputChannel{w, s}, OutputGradTaps{gy, s}, store);
}

template <int TILE>
__global__ void conv2d_backward_weight_implicit_gemm_kernel(const float* x, const float* gy, float* gw,
                                                            Conv2dShape s) {
  const std::int64_t Kw = s.C_in * s.kH * s.kW, P = s.N * s.H_out * s.W_out;
  auto store = [&](std::int64_t co, std::int64_t k, float acc) { gw[co * Kw + k] = acc; };
  implicit_gemm_tile<TILE>(s.C_out, Kw, P, OutputGradRows{gy, s}, Im2colTransposed{Im2col{x, s}}, store);
}

// gb[co] = Σ over n, oh, ow of gy: one block per output channel (channels beyond the grid taken in turn).
__global__ void conv2d_bias_backward_kernel(const float* gy, float* gb, Conv2dShape s) {
  const std::int64_t plane = s.H_out * s.W_out, M = s.N * plane;
  for (std::int64_t co = blockIdx.x; co < s.C_out; co += gridDim.x) {
    float acc = 0.0f;
    for (std::int64_t m = threadIdx.x; m < M; m += blockDim.x) acc += gy[(m / plane * s.C_out + co) * plane + m % plane];
    acc = detail::block_all_sum(acc);
    if (threadIdx.x == 0) gb[co] = acc;
  }
}

namespace {

unsigned tiles(std::int64_t n, int tile) { return blocks_for(n, static_cast<unsigned>(tile)); }

// Calls f(kernel_for_tile_8_or_16, tile).
template <class K8, class K16, class F>
void with_tile(const char* what, int tile, K8 k8, K16 k16, F&& f) {
  if (tile == 8) return f(k8, 8u);
  if (tile == 16) return f(k16, 16u);
  throw std::invalid_argument(std::string(what) + ": tile must be 8 or 16 (got " + std::to_string(tile) + ")");
}

}  // namespace

void conv2d_forward(const float* x, const float* w, const float* bias, float* y, const Conv2dShape& s, int tile) {
  with_tile("conv2d_forward", tile, THORAX_KERNEL(conv2d_forward_implicit_gemm_kernel<8>),
            THORAX_KERNEL(conv2d_forward_implicit_gemm_kernel<16>), [&](auto kernel, unsigned t) {
              launch(kernel, Dim3(tiles(s.N * s.H_out * s.W_out, t), tiles(s.C_out, t)), Dim3(t, t), 0, x, w, bias, y,
                     s);
            });
}

void conv2d_backward_data(const float* gy, const float* w, float* gx, const Conv2dShape& s, int tile) {
  with_tile("conv2d_backward_data", tile, THORAX_KERNEL(conv2d_backward_data_implicit_gemm_kernel<8>),
            THORAX_KERNEL(conv2d_backward_data_implicit_gemm_kernel<16>), [&](auto kernel, unsigned t) {
              launch(kernel, Dim3(tiles(s.N * s.H * s.W, t), tiles(s.C_in, t)), Dim3(t, t), 0, gy, w, gx, s);
            });
}

void conv2d_backward_weight(const float* x, const float* gy, float* gw, float* gb, const Conv2dShape& s, int tile,
                            unsigned bias_block) {
  with_tile("conv2d_backward_weight", tile, THORAX_KERNEL(conv2d_backward_weight_implicit_gemm_kernel<8>),
            THORAX_KERNEL(conv2d_backward_weight_implicit_gemm_kernel<16>), [&](auto kernel, unsigned t) {
              launch(kernel, Dim3(tiles(s.C_in * s.kH * s.kW, t), tiles(s.C_out, t)), Dim3(t, t), 0, x, gy, gw, s);
            });
  if (gb) conv2d_bias_backward(gy, gb, s, bias_block);
}

void conv2d_bias_backward(const float* gy, float* gb, const Conv2dShape& s, unsigned block) {
  detail::require_whole_warps("conv2d_bias_backward", block);
  launch(THORAX_KERNEL(conv2d_bias_backward_kernel), Dim3(blocks_for(s.C_out, 1)), Dim3(block), 0, gy, gb, s);
}

}  // namespace thorax::cuda
