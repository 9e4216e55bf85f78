#include "kernels/cpu/conv2d_implicit.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/conv2d_pack.h"
#include "kernels/cpu/gemm_packed.h"

namespace thorax::kernels::cpu {

namespace {

// Below this many multiply-adds a pass runs on the calling thread.
constexpr double kParallelMacs = double(1 << 18);
// Tasks per thread: enough for a thread slowed by another process to hand work to the others.
constexpr int64_t kTasksPerThread = 4;
// A sample's output plane is written in place when its pixels fill at least this share of the
// micro-kernel's column panels; below, a task's columns run across samples (no partial panel per
// sample) and go through a block buffer.
constexpr double kPerSampleFill = 0.9;
// The weight gradient's pixels are cut into at most this many fixed chunks (partial sums added in
// order), each at least kWeightChunkBlocks K blocks long: enough parallel work when the gradient
// itself is small (a 1×1 layer on 56×56 maps), while the chunk count depends on the shape only.
constexpr int64_t kMaxWeightChunks = 4;
constexpr int64_t kWeightChunkBlocks = 8;

int threads_for(double macs) { return omp_in_parallel() || macs < kParallelMacs ? 1 : omp_get_max_threads(); }

// The implicit matrix V (kernels/cpu/conv2d_pack.h) and the offsets it points to (moved, never
// copied: a copy's ConvView would point into the original's vectors).
struct View {
  std::vector<int64_t> off_h, off_w;
  ConvView v{};

  View() = default;
  View(View&&) = default;
  View(const View&) = delete;

  int64_t taps() const { return v.n_off_h * v.n_off_w; }
  int64_t rows() const { return v.channels * taps(); }
  int64_t grid() const { return v.Ha * v.Wa; }
  int64_t cols() const { return v.N * grid(); }
  // Call after filling off_h and off_w (and whenever they move).
  void bind() {
    v.off_h = off_h.data(), v.n_off_h = static_cast<int64_t>(off_h.size());
    v.off_w = off_w.data(), v.n_off_w = static_cast<int64_t>(off_w.size());
  }
  // A single tap at offset 0 with stride 1 reads each plane exactly as stored: seen as one row of H·W
  // pixels, a block of columns is one run per sample rather than one per image row.
  void flatten_if_pointwise() {
    if (taps() != 1 || off_h[0] != 0 || off_w[0] != 0 || v.sh != 1 || v.sw != 1 || v.Ha != v.H || v.Wa != v.W) return;
    v.W = v.Wa = v.H * v.W, v.H = v.Ha = 1;
  }
};

void segments(const View& view, int64_t j0, int64_t j1, std::vector<ConvSegment>& out) {
  out.clear();
  const int64_t grid = view.grid(), Wa = view.v.Wa;
  for (int64_t j = j0; j < j1;) {
    const int64_t pix = j % grid, b = pix % Wa, len = std::min(Wa - b, j1 - j);
    out.push_back({j / grid, pix / Wa, b, len, j - j0});
    j += len;
  }
}

// A micro-kernel with its blocking and the packers for its tile.
struct Isa {
  const GemmBlocking& bk;
  const ConvPackers& pack;
};

// A row-major M × K matrix packed once, for every K block, into the micro-kernel's mr-row panels; all
// tasks read it.
struct PackedA {
  AlignedBuffer data;
  int64_t M = 0, K = 0, kc = 0, rows = 0;  // rows: M rounded up to mr
  const float* block(int64_t pc) const { return data.get() + rows * pc; }
};

PackedA pack_weights(const Isa& isa, const float* A, int64_t M, int64_t K) {
  PackedA a;
  a.M = M, a.K = K, a.kc = gemm_k_block(isa.bk, K), a.rows = round_up(M, isa.bk.mr);
  a.data = aligned_floats(a.rows * K);
  const int64_t blocks = (K + a.kc - 1) / a.kc;
#pragma omp parallel for schedule(static) if (blocks > 1 && M * K > (1 << 16) && !omp_in_parallel())
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t pc = b * a.kc;
    // A is gy's layout with one sample of M planes of K "pixels".
    isa.pack.gy(a.data.get() + a.rows * pc, A, 0, K, M, pc, std::min(a.kc, K - pc));
  }
  return a;
}

// Where column (n, a, b) of a product lands: out[n·sample + m·channel + a·W + b] for row m.
struct OutMap {
  float* out;
  int64_t sample, channel, W;
};

void scatter(const float* C, int64_t ldc, int64_t m0, int64_t m1, const OutMap& o, const std::vector<ConvSegment>& segs,
             const float* bias) {
  for (int64_t m = m0; m < m1; ++m) {
    const float* row = C + (m - m0) * ldc;
    const float b = bias ? bias[m] : 0.0f;
    for (const ConvSegment& s : segs) {
      float* dst = o.out + s.n * o.sample + m * o.channel + s.a * o.W + s.b0;
#pragma omp simd
      for (int64_t i = 0; i < s.len; ++i) dst[i] = row[s.pos + i] + b;
    }
  }
}

struct Task {
  int64_t j0, j1, m0, m1;
};

// Cuts columns [0, units·unit_cols) into about `target` tasks along whole nr panels, never across a
// unit (a sample, when each writes its plane in place); then rows, along whole mr panels, when there are
// too few columns.
std::vector<Task> make_tasks(int64_t units, int64_t unit_cols, int64_t M, int64_t target, int64_t nr, int64_t mr) {
  std::vector<Task> tasks;
  const int64_t per_unit = std::max<int64_t>(1, (target + units - 1) / units);
  const int64_t chunk = round_up(std::max<int64_t>(1, (unit_cols + per_unit - 1) / per_unit), nr);
  const int64_t col_tasks = units * ((unit_cols + chunk - 1) / chunk);
  const int64_t row_parts = std::clamp<int64_t>((target + col_tasks - 1) / col_tasks, 1, (M + 4 * mr - 1) / (4 * mr));
  const int64_t row_chunk = round_up((M + row_parts - 1) / row_parts, mr);
  for (int64_t u = 0; u < units; ++u)
    for (int64_t c = 0; c < unit_cols; c += chunk)
      for (int64_t m = 0; m < M; m += row_chunk)
        tasks.push_back(
            {u * unit_cols + c, u * unit_cols + std::min(c + chunk, unit_cols), m, std::min(m + row_chunk, M)});
  return tasks;
}

// out (through o) = A · V (+ bias per row), A packed by pack_weights.
void product(const Isa& isa, const PackedA& A, const View& view, const OutMap& o, const float* bias) {
  const GemmBlocking& bk = isa.bk;
  const int64_t M = A.M, K = A.K, grid = view.grid(), cols = view.cols();
  if (cols == 0 || M == 0) return;
  const bool in_place = static_cast<double>(grid) >= kPerSampleFill * static_cast<double>(round_up(grid, bk.nr));
  const int threads = threads_for(static_cast<double>(M) * static_cast<double>(K) * static_cast<double>(cols));
  const int64_t target = threads == 1 ? 1 : kTasksPerThread * threads;
  const std::vector<Task> tasks =
      in_place ? make_tasks(view.v.N, grid, M, target, bk.nr, bk.mr) : make_tasks(1, cols, M, target, bk.nr, bk.mr);
  const int64_t n_tasks = static_cast<int64_t>(tasks.size());
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    GrowingBuffer Bp, Ct;
    std::vector<ConvSegment> segs;
#pragma omp for schedule(dynamic, 1)
    for (int64_t t = 0; t < n_tasks; ++t) {
      const Task& task = tasks[static_cast<size_t>(t)];
      const int64_t rows = task.m1 - task.m0;
      // B blocks stay in L2 from packing to use, except when many rows write in place: then B is reused
      // by every row block and the L3-sized blocks of the GEMM pack it less often. A block buffer stays
      // small, its rows scattered as soon as they are complete.
      const int64_t nc_step = in_place && rows > bk.mc ? bk.nc : gemm_l2_columns(bk, A.kc);
      const int64_t nc_max = std::min(nc_step, round_up(task.j1 - task.j0, bk.nr));
      float* const B = Bp.ensure(A.kc * nc_max);
      for (int64_t jc = task.j0; jc < task.j1; jc += nc_step) {
        const int64_t nc = std::min(nc_step, task.j1 - jc);
        segments(view, jc, jc + nc, segs);
        const int64_t n = jc / grid;
        float* const C =
            in_place ? o.out + n * o.sample + task.m0 * o.channel + (jc - n * grid) : Ct.ensure(rows * nc_max);
        const int64_t ldc = in_place ? o.channel : nc_max;
        for (int64_t pc = 0; pc < K; pc += A.kc) {
          const int64_t kc = std::min(A.kc, K - pc);
          isa.pack.view(B, view.v, segs.data(), static_cast<int64_t>(segs.size()), pc, kc, nc);
          for (int64_t ic = task.m0; ic < task.m1; ic += bk.mc) {
            const int64_t mc = std::min(bk.mc, task.m1 - ic);
            float* const c = C + (ic - task.m0) * ldc;
            bk.block(mc, nc, kc, A.block(pc) + ic * kc, 0, B, 1.0f, pc == 0 ? 0.0f : 1.0f, c, ldc);
            if (pc + kc < K) continue;  // rows [ic, ic + mc) are complete
            if (!in_place) {
              scatter(c, ldc, ic, ic + mc, o, segs, bias);
            } else if (bias) {
              for (int64_t m = ic; m < ic + mc; ++m) {
                float* row = c + (m - ic) * ldc;
                const float b = bias[m];
#pragma omp simd
                for (int64_t i = 0; i < nc; ++i) row[i] += b;
              }
            }
          }
        }
      }
    }
  }
}

// gw (M × V.rows(), row stride ldw) = gy · Vᵀ, the inner sum over V's columns; gy holds M planes of
// V's grid per sample, samples gy_sample floats apart.
void weight_product(const Isa& isa, const float* gy, int64_t gy_sample, int64_t M, const View& view, float* gw,
                    int64_t ldw) {
  const GemmBlocking& bk = isa.bk;
  const int64_t inner = view.cols(), R = view.rows(), grid = view.grid();
  if (inner == 0) {
    for (int64_t m = 0; m < M; ++m) std::fill(gw + m * ldw, gw + m * ldw + R, 0.0f);
    return;
  }
  const int64_t kc_max = gemm_k_block(bk, inner), blocks = (inner + kc_max - 1) / kc_max;
  const int64_t chunks = std::clamp<int64_t>(blocks / kWeightChunkBlocks, 1, kMaxWeightChunks);
  const int threads = threads_for(static_cast<double>(M) * static_cast<double>(R) * static_cast<double>(inner));
  const int64_t target = threads == 1 ? 1 : kTasksPerThread * threads;
  const int64_t per_chunk = std::max<int64_t>(1, (target + chunks - 1) / chunks);
  const int64_t col_chunk = round_up(std::max<int64_t>(1, (R + per_chunk - 1) / per_chunk), bk.nr);
  struct WeightTask {
    int64_t r0, r1, chunk;  // gw columns (V rows) [r0, r1), summed over pixel chunk `chunk`
  };
  std::vector<WeightTask> tasks;
  for (int64_t c = 0; c < chunks; ++c)
    for (int64_t r = 0; r < R; r += col_chunk) tasks.push_back({r, std::min(r + col_chunk, R), c});
  // Chunk 0 sums into gw, the others into partials added in chunk order below.
  AlignedBuffer partial((chunks - 1) * M * R);
  const int64_t n_tasks = static_cast<int64_t>(tasks.size());
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    GrowingBuffer Ap, Bp;
    std::vector<ConvSegment> segs;
#pragma omp for schedule(dynamic, 1)
    for (int64_t t = 0; t < n_tasks; ++t) {
      const WeightTask& task = tasks[static_cast<size_t>(t)];
      float* const sum = task.chunk == 0 ? gw : partial.get() + (task.chunk - 1) * M * R;
      const int64_t ld = task.chunk == 0 ? ldw : R;
      const int64_t nc_step = M <= bk.mc ? gemm_l2_columns(bk, kc_max) : bk.nc;
      const int64_t nc_max = std::min(nc_step, round_up(task.r1 - task.r0, bk.nr));
      float* const A = Ap.ensure(round_up(M, bk.mr) * kc_max);
      float* const B = Bp.ensure(kc_max * nc_max);
      const int64_t b0 = task.chunk * blocks / chunks, b1 = (task.chunk + 1) * blocks / chunks;
      for (int64_t b = b0; b < b1; ++b) {
        const int64_t pc = b * kc_max, kc = std::min(kc_max, inner - pc);
        isa.pack.gy(A, gy, gy_sample, grid, M, pc, kc);
        segments(view, pc, pc + kc, segs);
        for (int64_t jc = task.r0; jc < task.r1; jc += nc_step) {
          const int64_t nc = std::min(nc_step, task.r1 - jc);
          isa.pack.view_transposed(B, view.v, segs.data(), static_cast<int64_t>(segs.size()), jc, nc, kc);
          for (int64_t ic = 0; ic < M; ic += bk.mc)
            bk.block(std::min(bk.mc, M - ic), nc, kc, A + ic * kc, 0, B, 1.0f, b == b0 ? 0.0f : 1.0f,
                     sum + ic * ld + jc, ld);
        }
      }
    }
  }
  for (int64_t c = 1; c < chunks; ++c) {
    const float* part = partial.get() + (c - 1) * M * R;
#pragma omp parallel for schedule(static) if (threads > 1 && M * R > (1 << 16))
    for (int64_t m = 0; m < M; ++m) {
      float* row = gw + m * ldw;
#pragma omp simd
      for (int64_t i = 0; i < R; ++i) row[i] += part[m * R + i];
    }
  }
}

// V(x) of group g for the forward pass and the weight gradient.
View forward_view(const float* x, const Conv2dParams& p, int64_t g) {
  View view;
  for (int64_t ki = 0; ki < p.kH; ++ki) view.off_h.push_back(ki * p.dilation_h - p.pad_h);
  for (int64_t kj = 0; kj < p.kW; ++kj) view.off_w.push_back(kj * p.dilation_w - p.pad_w);
  const int64_t cig = p.C_in / p.groups;
  ConvView& v = view.v;
  v.img = x + g * cig * p.H * p.W, v.sample = p.C_in * p.H * p.W;
  v.H = p.H, v.W = p.W, v.channels = cig;
  v.sh = p.stride_h, v.sw = p.stride_w;
  v.N = p.N, v.Ha = p.H_out(), v.Wa = p.W_out();
  view.bind();
  view.flatten_if_pointwise();
  return view;
}

void forward(const Isa& isa, const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  const int64_t cog = p.C_out / p.groups, K = (p.C_in / p.groups) * p.kH * p.kW, plane = p.H_out() * p.W_out();
  for (int64_t g = 0; g < p.groups; ++g) {
    const View view = forward_view(x, p, g);
    const PackedA A = pack_weights(isa, w + g * cog * K, cog, K);
    // A flattened view writes its one long row into the flattened plane.
    const OutMap o{y + g * cog * plane, p.C_out * plane, plane, view.v.Wa};
    product(isa, A, view, o, bias ? bias + g * cog : nullptr);
  }
}

// Backward-data by implicit GEMM only for stride 1, with enough input channels per group to fill the
// micro-kernel's rows. Other strides would need one product per stride phase, each writing every
// other output pixel (measured slower than the unfolding GEMM's col2im), and an RGB stem's 3 rows would
// leave the tiles nearly empty: those run the unfolding GEMM (kernels/cpu/conv2d.h).
constexpr int64_t kMinDataRows = 16;

void backward_data(const Isa& isa, const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  const int64_t cig = p.C_in / p.groups, cog = p.C_out / p.groups, Ho = p.H_out(), Wo = p.W_out();
  if (cig < kMinDataRows || p.stride_h != 1 || p.stride_w != 1) return conv2d_im2col_backward_data(gy, w, gx, p);
  // The transposed convolution at stride 1 is a correlation of gy: input row a takes kernel row ki
  // from gy row a + pad − ki·dilation (likewise for columns), through W' = Wᵀ (cig × cog·kH·kW).
  View view;
  for (int64_t ki = 0; ki < p.kH; ++ki) view.off_h.push_back(p.pad_h - ki * p.dilation_h);
  for (int64_t kj = 0; kj < p.kW; ++kj) view.off_w.push_back(p.pad_w - kj * p.dilation_w);
  const int64_t taps = p.kH * p.kW, K = cog * taps;
  AlignedBuffer wt(cig * K);
  for (int64_t g = 0; g < p.groups; ++g) {
    // W'[ci][(co, t)] = w[g·cog + co][ci][t].
    const float* wg = w + g * cog * cig * taps;
#pragma omp parallel for schedule(static) if (cig * K > (1 << 16) && !omp_in_parallel())
    for (int64_t ci = 0; ci < cig; ++ci) {
      float* dst = wt.get() + ci * K;
      for (int64_t co = 0; co < cog; ++co)  // a loop, not a library copy: 1×1 kernels have one tap
        for (int64_t t = 0; t < taps; ++t) dst[co * taps + t] = wg[(co * cig + ci) * taps + t];
    }
    ConvView& v = view.v;
    v.img = gy + g * cog * Ho * Wo, v.sample = p.C_out * Ho * Wo;
    v.H = Ho, v.W = Wo, v.channels = cog;
    v.sh = v.sw = 1;
    v.N = p.N, v.Ha = p.H, v.Wa = p.W;
    view.bind();
    view.flatten_if_pointwise();
    const OutMap o{gx + g * cig * p.H * p.W, p.C_in * p.H * p.W, p.H * p.W, v.Wa};
    product(isa, pack_weights(isa, wt.get(), cig, K), view, o, nullptr);
  }
}

void backward_weight(const Isa& isa, const float* x, const float* gy, float* gw, float* gb, const Conv2dParams& p) {
  const int64_t cog = p.C_out / p.groups, K = (p.C_in / p.groups) * p.kH * p.kW, plane = p.H_out() * p.W_out();
  for (int64_t g = 0; g < p.groups; ++g)
    weight_product(isa, gy + g * cog * plane, p.C_out * plane, cog, forward_view(x, p, g), gw + g * cog * K, K);
  if (gb) conv2d_bias_gradient(gy, gb, p);
}

const Isa kAvx2{kGemmAvx2Blocking, kConvPackAvx2};
const Isa kAvx512{kGemmAvx512Blocking, kConvPackAvx512};

}  // namespace

void conv2d_implicit_forward_avx2(const float* x, const float* w, const float* bias, float* y, const Conv2dParams& p) {
  forward(kAvx2, x, w, bias, y, p);
}
void conv2d_implicit_backward_data_avx2(const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  backward_data(kAvx2, gy, w, gx, p);
}
void conv2d_implicit_backward_weight_avx2(const float* x, const float* gy, float* gw, float* gb,
                                          const Conv2dParams& p) {
  backward_weight(kAvx2, x, gy, gw, gb, p);
}
void conv2d_implicit_forward_avx512(const float* x, const float* w, const float* bias, float* y,
                                    const Conv2dParams& p) {
  forward(kAvx512, x, w, bias, y, p);
}
void conv2d_implicit_backward_data_avx512(const float* gy, const float* w, float* gx, const Conv2dParams& p) {
  backward_data(kAvx512, gy, w, gx, p);
}
void conv2d_implicit_backward_weight_avx512(const float* x, const float* gy, float* gw, float* gb,
                                            const Conv2dParams& p) {
  backward_weight(kAvx512, x, gy, gw, gb, p);
}

}  // namespace thorax::kernels::cpu
