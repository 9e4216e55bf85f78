#include "kernels/cpu/conv2d_winograd.h"

#include <omp.h>

#include <algorithm>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/conv2d_implicit.h"
#include "kernels/cpu/gemm_packed.h"
#include "kernels/cpu/winograd_tile.h"

namespace thorax::kernels::cpu {

namespace {

// Fewer channels than this (an RGB input layer) leave the vectors and the GEMMs mostly empty.
constexpr int64_t kMinChannels = 16;
// A chunk's reordered input and output together, in bytes (at least one sample).
constexpr int64_t kChunkBytes = int64_t(8) << 20;
// A tile block's transforms (V and M) for the forward GEMMs, in bytes: small enough to stay in L2/L3
// while the 36 GEMMs run, between the micro-kernel's row panel (8 tiles) and the GEMM's row block.
constexpr int64_t kBlockBytes = int64_t(2) << 20;
constexpr int64_t kMinBlockTiles = 48;
// The weight gradient's tile blocks are the GEMMs' inner dimension: longer, up to this many bytes.
constexpr int64_t kWeightBlockBytes = int64_t(8) << 20;
constexpr int64_t kTasksPerThread = 4;
// Transformed kernels up to this size are made once per call and shared by all tasks; above, each
// task makes those of its output channels, at most kTaskUBytes at a time.
constexpr int64_t kSharedUBytes = int64_t(8) << 20;
constexpr int64_t kTaskUBytes = int64_t(2) << 20;

struct Isa {
  const GemmBlocking& bk;
  const WinogradKernels& wk;  // F(4×4, 3×3) or F(2×2, 3×3)
  void (*fallback_forward)(const float*, const float*, const float*, float*, const Conv2dParams&);
  void (*fallback_backward_data)(const float*, const float*, float*, const Conv2dParams&);
  void (*fallback_backward_weight)(const float*, const float*, float*, float*, const Conv2dParams&);
};

int threads_for(double macs) { return omp_in_parallel() || macs < double(1 << 18) ? 1 : omp_get_max_threads(); }

// A stride-1 3×3 convolution of one group as the Winograd pass sees it: Ci input planes of H × W per
// sample (samples x_sample floats apart), Co output planes of Ho × Wo, padding (ph, pw).
struct Geometry {
  int64_t N, Ci, H, W, x_sample, Co, Ho, Wo, y_sample, ph, pw;
  int64_t m;  // output tile
  int64_t th() const { return (Ho + m - 1) / m; }
  int64_t tw() const { return (Wo + m - 1) / m; }
  int64_t tiles() const { return th() * tw(); }  // per sample
  // Samples whose reordered input and output fit kChunkBytes together (at least one).
  int64_t chunk(int64_t extra_per_sample = 0) const {
    const int64_t per = (H * W * Ci + Ho * Wo * Co + extra_per_sample) * int64_t(sizeof(float));
    return std::clamp<int64_t>(kChunkBytes / per, 1, N);
  }
};

// Planes (rows × cols, row stride lds) of samples [n0, n1) transposed into `dst`, sample i at
// dst + i·rows·cols: NCHW ↔ NHWC. Pixel ranges are shared out too, so one sample still uses every thread.
void reorder(const WinogradKernels& wk, const float* src, int64_t src_sample, int64_t lds, float* dst, int64_t rows,
             int64_t cols, int64_t n0, int64_t n1) {
  constexpr int64_t kPart = 2048;  // columns per task
  const int64_t parts = (cols + kPart - 1) / kPart, tasks = (n1 - n0) * parts;
#pragma omp for schedule(static)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t n = n0 + t / parts, j0 = t % parts * kPart, j1 = std::min(cols, j0 + kPart);
    wk.transpose(src + n * src_sample + j0, lds, dst + (n - n0) * rows * cols + j0 * rows, rows, rows, j1 - j0);
  }
}

// The inverse: [pixel][channel] planes back to channel planes of `plane` floats, samples dst_sample apart.
void reorder_back(const WinogradKernels& wk, const float* src, int64_t channels, int64_t plane, float* dst,
                  int64_t dst_sample, int64_t n0, int64_t n1) {
  constexpr int64_t kPart = 2048;
  const int64_t parts = (plane + kPart - 1) / kPart, tasks = (n1 - n0) * parts;
#pragma omp for schedule(static)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t n = n0 + t / parts, j0 = t % parts * kPart, j1 = std::min(plane, j0 + kPart);
    wk.transpose(src + (n - n0) * plane * channels + j0 * channels, channels, dst + n * dst_sample + j0, plane, j1 - j0,
                 channels);
  }
}

// U_ξ (Ci × output channels [co0, co0 + n)) for every ξ, packed as the GEMM's B: panels of NR output
// channels per K block.
struct PackedU {
  float* data = nullptr;
  int64_t K = 0, kc = 0, npad = 0;
  // U_ξ's K block starting at pc, from output channel c0 (relative to co0, a multiple of NR) on.
  const float* block(int64_t xi, int64_t pc, int64_t c0) const {
    return data + xi * K * npad + pc * npad + c0 * std::min(kc, K - pc);
  }
};

int64_t packed_u_floats(const Isa& isa, int64_t Ci, int64_t n) {
  return isa.wk.a * isa.wk.a * Ci * round_up(n, isa.bk.nr);
}

// g: kernel tap t of (input channel ci, output channel co) at g[(ci·9 + t)·Co + co]. Threads share the
// input channels when `parallel`.
PackedU transform_weights(const Isa& isa, const float* g, int64_t Ci, int64_t Co, int64_t co0, int64_t n, float* out,
                          bool parallel) {
  const GemmBlocking& bk = isa.bk;
  PackedU u{out, Ci, gemm_k_block(bk, Ci), round_up(n, bk.nr)};
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t ci = 0; ci < Ci; ++ci) {
    const int64_t pc = ci / u.kc * u.kc, kcb = std::min(u.kc, Ci - pc);
    for (int64_t c0 = 0; c0 < n; c0 += bk.nr)
      isa.wk.weight(g + ci * 9 * Co + co0 + c0, Co, std::min(bk.nr, n - c0), bk.nr,
                    out + pc * u.npad + c0 * kcb + (ci - pc) * bk.nr, Ci * u.npad);
  }
  return u;
}

// y = conv3x3(x, g) (+ bias) for one group, stride 1 (the forward pass and, with turned kernels, the
// data gradient). g as for transform_weights.
void winograd_conv(const Isa& isa, const Geometry& G, const float* x, const float* g, const float* bias, float* y) {
  const GemmBlocking& bk = isa.bk;
  const WinogradKernels& wk = isa.wk;
  const int64_t xi_count = wk.a * wk.a, m = wk.m;
  const int64_t tiles = G.tiles(), tw = G.tw(), chunk = G.chunk();
  const int64_t per_tile = xi_count * (G.Ci + G.Co) * int64_t(sizeof(float));
  const int64_t max_block = std::clamp<int64_t>(kBlockBytes / per_tile / bk.mr * bk.mr, kMinBlockTiles, bk.mc);
  const int threads = threads_for(double(G.N * tiles) * double(xi_count * G.Ci * G.Co));
  // Small transformed kernels are made once and shared; large ones (a 512-channel layer's take 38 MB)
  // are made by each task for its output channels, into a buffer it keeps: a fresh buffer that size
  // would be page-faulted in on every call.
  const bool shared_u = packed_u_floats(isa, G.Ci, G.Co) * int64_t(sizeof(float)) <= kSharedUBytes;
  AlignedBuffer u_all = shared_u ? aligned_floats(packed_u_floats(isa, G.Ci, G.Co)) : AlignedBuffer();
  const PackedU U_all = shared_u ? transform_weights(isa, g, G.Ci, G.Co, 0, G.Co, u_all.get(), threads > 1) : PackedU{};
  const int64_t max_co =
      shared_u ? G.Co : std::max(bk.nr, kTaskUBytes / (xi_count * G.Ci * int64_t(sizeof(float))) / bk.nr * bk.nr);
  AlignedBuffer xt = aligned_floats(chunk * G.H * G.W * G.Ci), yt = aligned_floats(chunk * G.Ho * G.Wo * G.Co);
  for (int64_t n0 = 0; n0 < G.N; n0 += chunk) {
    const int64_t n1 = std::min(G.N, n0 + chunk), chunk_tiles = (n1 - n0) * tiles;
    // Tile blocks of equal size, and output-channel ranges (whole panels) when blocks are too few.
    const int64_t blocks = (chunk_tiles + max_block - 1) / max_block;
    const int64_t block = (chunk_tiles + blocks - 1) / blocks;
    const int64_t target = threads == 1 ? 1 : kTasksPerThread * threads;
    const int64_t co_parts =
        std::clamp<int64_t>((target + blocks - 1) / blocks, (G.Co + max_co - 1) / max_co, (G.Co + bk.nr - 1) / bk.nr);
    const int64_t co_chunk = round_up((G.Co + co_parts - 1) / co_parts, bk.nr);
    const int64_t co_tasks = (G.Co + co_chunk - 1) / co_chunk, tasks = blocks * co_tasks;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
      reorder(wk, x, G.x_sample, G.H * G.W, xt.get(), G.Ci, G.H * G.W, n0, n1);  // ends with a barrier
      GrowingBuffer Vb, Mb, Ub;
#pragma omp for schedule(dynamic, 1)
      for (int64_t task = 0; task < tasks; ++task) {
        const int64_t t0 = task / co_tasks * block, t1 = std::min(chunk_tiles, t0 + block), nt = t1 - t0;
        const int64_t co0 = task % co_tasks * co_chunk, nco = std::min(co_chunk, G.Co - co0);
        float* V = Vb.ensure(xi_count * block * G.Ci);  // V_ξ: nt tiles × Ci, rows G.Ci apart, ξ blocks block·Ci apart
        float* M = Mb.ensure(xi_count * block * nco);  // M_ξ: nt tiles × nco
        const PackedU U = shared_u ? U_all
                                   : transform_weights(isa, g, G.Ci, G.Co, co0, nco,
                                                       Ub.ensure(packed_u_floats(isa, G.Ci, nco)), false);
        const int64_t u0 = shared_u ? co0 : 0;  // this task's first output channel within U
        for (int64_t t = t0; t < t1; ++t) {
          const int64_t n = t / tiles, tt = t % tiles, oh0 = tt / tw * m, ow0 = tt % tw * m;
          wk.input(xt.get() + n * G.H * G.W * G.Ci, G.H, G.W, G.Ci, oh0 - G.ph, ow0 - G.pw, G.Ci, V + (t - t0) * G.Ci,
                   block * G.Ci);
        }
        for (int64_t xi = 0; xi < xi_count; ++xi)
          for (int64_t pc = 0; pc < G.Ci; pc += U.kc)
            bk.block(nt, nco, std::min(U.kc, G.Ci - pc), V + xi * block * G.Ci + pc, G.Ci, U.block(xi, pc, u0), 1.0f,
                     pc == 0 ? 0.0f : 1.0f, M + xi * block * nco, nco);
        for (int64_t t = t0; t < t1; ++t) {
          const int64_t n = t / tiles, tt = t % tiles;
          wk.output(M + (t - t0) * nco, block * nco, nco, yt.get() + n * G.Ho * G.Wo * G.Co + co0, G.Ho, G.Wo, G.Co,
                    tt / tw * m, tt % tw * m, bias ? bias + co0 : nullptr);
        }
      }
      reorder_back(wk, yt.get(), G.Co, G.Ho * G.Wo, y, G.y_sample, n0, n1);
    }
  }
}

void forward(const Isa& isa, const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  if (!winograd_applies(p)) return isa.fallback_forward(x, w, bias, y, p);
  const int64_t cig = p.C_in / p.groups, cog = p.C_out / p.groups, Ho = p.H_out(), Wo = p.W_out();
  AlignedBuffer g(cig * 9 * cog);
  for (int64_t grp = 0; grp < p.groups; ++grp) {
    // w[co][ci][t] → g[ci][t][co]: a transpose of the group's cog × (cig·9) matrix.
    isa.wk.transpose(w + grp * cog * cig * 9, cig * 9, g.get(), cog, cog, cig * 9);
    const Geometry G{p.N,     cig,     p.H,     p.W, p.C_in * p.H * p.W, cog, Ho, Wo, p.C_out * Ho * Wo,
                     p.pad_h, p.pad_w, isa.wk.m};
    winograd_conv(isa, G, x + grp * cig * p.H * p.W, g.get(), bias ? bias + grp * cog : nullptr,
                  y + grp * cog * Ho * Wo);
  }
}

void backward_data(const Isa& isa, const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  if (!winograd_applies(p)) return isa.fallback_backward_data(gy, w, gx, p);
  const int64_t cig = p.C_in / p.groups, cog = p.C_out / p.groups, Ho = p.H_out(), Wo = p.W_out();
  AlignedBuffer g(cog * 9 * cig);
  for (int64_t grp = 0; grp < p.groups; ++grp) {
    // The transposed convolution is a convolution of gy with each kernel turned 180° (tap t → 8 − t) and
    // the channel roles swapped: g[co][t][ci] = w[co][ci][8 − t].
    const float* wg = w + grp * cog * cig * 9;
#pragma omp parallel for schedule(static) if (cog * cig > 4096 && !omp_in_parallel())
    for (int64_t co = 0; co < cog; ++co)
      for (int64_t t = 0; t < 9; ++t)
        for (int64_t ci = 0; ci < cig; ++ci) g[(co * 9 + t) * cig + ci] = wg[(co * cig + ci) * 9 + 8 - t];
    const Geometry G{p.N,         cog,         Ho,      Wo, p.C_out * Ho * Wo, cig, p.H, p.W, p.C_in * p.H * p.W,
                     2 - p.pad_h, 2 - p.pad_w, isa.wk.m};
    winograd_conv(isa, G, gy + grp * cog * Ho * Wo, g.get(), nullptr, gx + grp * cig * p.H * p.W);
  }
}

void backward_weight(const Isa& isa, const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p) {
  if (!winograd_applies(p)) return isa.fallback_backward_weight(x, gy, gw, gb, p);
  const GemmBlocking& bk = isa.bk;
  const WinogradKernels& wk = isa.wk;
  const int64_t cig = p.C_in / p.groups, cog = p.C_out / p.groups, Ho = p.H_out(), Wo = p.W_out();
  const Geometry G{p.N, cig, p.H, p.W, p.C_in * p.H * p.W, cog, Ho, Wo, p.C_out * Ho * Wo, p.pad_h, p.pad_w, wk.m};
  const int64_t xi_count = wk.a * wk.a, m = wk.m;
  const int64_t tiles = G.tiles(), tw = G.tw(), chunk = G.chunk();
  const int64_t per_tile = xi_count * (cig + cog) * int64_t(sizeof(float));
  const int64_t max_block = std::clamp<int64_t>(kWeightBlockBytes / per_tile / 8 * 8, 16, 1024);
  const int threads = threads_for(double(p.N * tiles) * double(xi_count * cig * cog));
  AlignedBuffer xt = aligned_floats(chunk * G.H * G.W * cig), gyt = aligned_floats(chunk * Ho * Wo * cog);
  AlignedBuffer V = aligned_floats(xi_count * max_block * cig), dM = aligned_floats(xi_count * max_block * cog);
  AlignedBuffer dU = aligned_floats(xi_count * cog * cig);  // dU_ξ: cog × cig
  AlignedBuffer taps(9 * cig * threads);
  for (int64_t grp = 0; grp < p.groups; ++grp) {
    const float* xg = x + grp * cig * p.H * p.W;
    const float* gyg = gy + grp * cog * Ho * Wo;
    bool first = true;
    for (int64_t n0 = 0; n0 < p.N; n0 += chunk) {
      const int64_t n1 = std::min(p.N, n0 + chunk), chunk_tiles = (n1 - n0) * tiles;
      const int64_t blocks = (chunk_tiles + max_block - 1) / max_block;
      const int64_t block = (chunk_tiles + blocks - 1) / blocks;
#pragma omp parallel num_threads(threads) if (threads > 1)
      {
        reorder(wk, xg, G.x_sample, G.H * G.W, xt.get(), cig, G.H * G.W, n0, n1);
        reorder(wk, gyg, G.y_sample, Ho * Wo, gyt.get(), cog, Ho * Wo, n0, n1);
        for (int64_t b = 0; b < blocks; ++b) {
          const int64_t t0 = b * block, t1 = std::min(chunk_tiles, t0 + block), nt = t1 - t0;
#pragma omp for schedule(static)
          for (int64_t t = t0; t < t1; ++t) {
            const int64_t n = t / tiles, tt = t % tiles, oh0 = tt / tw * m, ow0 = tt % tw * m;
            wk.input(xt.get() + n * G.H * G.W * cig, G.H, G.W, cig, oh0 - G.ph, ow0 - G.pw, cig,
                     V.get() + (t - t0) * cig, max_block * cig);
            wk.output_adjoint(gyt.get() + n * Ho * Wo * cog, Ho, Wo, cog, oh0, ow0, cog, dM.get() + (t - t0) * cog,
                              max_block * cog);
          }
          // dU_ξ (cog × cig) += dM_ξᵀ (cog × nt) · V_ξ (nt × cig), one GEMM per ξ on one thread, blocks in order.
#pragma omp for schedule(dynamic, 1)
          for (int64_t xi = 0; xi < xi_count; ++xi)
            gemm_packed(bk, true, false, cog, cig, nt, 1.0f, dM.get() + xi * max_block * cog, cog,
                        V.get() + xi * max_block * cig, cig, first && b == 0 ? 0.0f : 1.0f, dU.get() + xi * cog * cig,
                        cig);
        }
      }
      first = false;
    }
    // gw[co][ci][t] = (Gᵀ dU[co][ci] G)_t, vectorized across ci.
    float* gwg = gw + grp * cog * cig * 9;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
      float* row = taps.get() + omp_get_thread_num() * 9 * cig;
#pragma omp for schedule(static)
      for (int64_t co = 0; co < cog; ++co) {
        wk.weight_adjoint(dU.get() + co * cig, cog * cig, cig, row, cig);
        wk.transpose(row, cig, gwg + co * cig * 9, 9, 9, cig);
      }
    }
  }
  if (gb) conv2d_bias_gradient(gy, gb, p);
}

const Isa kF43Avx2{kGemmAvx2Blocking, kWinograd43Avx2, conv2d_implicit_forward_avx2, conv2d_implicit_backward_data_avx2,
                   conv2d_implicit_backward_weight_avx2};
const Isa kF23Avx2{kGemmAvx2Blocking, kWinograd23Avx2, conv2d_implicit_forward_avx2, conv2d_implicit_backward_data_avx2,
                   conv2d_implicit_backward_weight_avx2};
const Isa kF43Avx512{kGemmAvx512Blocking, kWinograd43Avx512, conv2d_implicit_forward_avx512,
                     conv2d_implicit_backward_data_avx512, conv2d_implicit_backward_weight_avx512};
const Isa kF23Avx512{kGemmAvx512Blocking, kWinograd23Avx512, conv2d_implicit_forward_avx512,
                     conv2d_implicit_backward_data_avx512, conv2d_implicit_backward_weight_avx512};

}  // namespace

bool winograd_applies(const Conv2dParams& p) {
  return p.kH == 3 && p.kW == 3 && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 &&
         p.pad_h <= 2 && p.pad_w <= 2 && p.C_in / p.groups >= kMinChannels && p.C_out / p.groups >= kMinChannels &&
         p.N > 0;
}

#define THORAX_WINOGRAD_VERSION(suffix, isa)                                                                        \
  void conv2d_winograd##suffix##_forward(const float* x, const float* w, const float* bias, float* y,               \
                                         const Conv2dParams& p) {                                                   \
    forward(isa, x, w, bias, y, p);                                                                                 \
  }                                                                                                                 \
  void conv2d_winograd##suffix##_backward_data(const float* gy, const float* w, float* gx, const Conv2dParams& p) { \
    backward_data(isa, gy, w, gx, p);                                                                               \
  }                                                                                                                 \
  void conv2d_winograd##suffix##_backward_weight(const float* x, const float* gy, float* gw, float* gb,             \
                                                 const Conv2dParams& p) {                                           \
    backward_weight(isa, x, gy, gw, gb, p);                                                                         \
  }
THORAX_WINOGRAD_VERSION(_f43_avx2, kF43Avx2)
THORAX_WINOGRAD_VERSION(_f23_avx2, kF23Avx2)
THORAX_WINOGRAD_VERSION(_f43_avx512, kF43Avx512)
THORAX_WINOGRAD_VERSION(_f23_avx512, kF23Avx512)
#undef THORAX_WINOGRAD_VERSION

}  // namespace thorax::kernels::cpu
