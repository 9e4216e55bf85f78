#include "kernels/cpu/gemm_packed.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"

namespace thorax::kernels::cpu {

namespace {

// Below this many multiply-adds the thread team costs more than it saves.
constexpr int64_t kParallelMacs = int64_t(1) << 18;
// Work per task when C is shared among threads: at least kTaskMacs multiply-adds, at most
// kTasksPerThread tasks per thread (each task packs its own panels, so more tasks pack more).
constexpr int64_t kTaskMacs = int64_t(1) << 22;
constexpr int64_t kTasksPerThread = 4;
// Packing one element (a strided read and a write) costs about as much time as this many multiply-adds
// in the micro-kernel (16 per FMA instruction).
constexpr double kPackCost = 16;
// A product on pre-packed B (one step of a recurrence: a few rows, tens of microseconds) is shared among
// threads only above this many multiply-adds: waking the team for each step of a sequence costs more
// than it saves, and far more when the cores are busy with other work.
constexpr int64_t kPrepackedParallelMacs = int64_t(1) << 23;
// Up to this many columns of C (2 AVX-512 panels), A is read in place rather than packed.
constexpr int64_t kDirectAMaxN = 96;
// What a B block may take of a core's L2 when it must stay there: a quarter of Zen 4's 1 MB, leaving
// room for the A block and the C rows.
constexpr int64_t kL2BlockBytes = 256 * 1024;

// One thread's packing buffers, kept across the tasks it runs.
struct PackBuffers {
  GrowingBuffer a, b;
};

// op(A) rows [i0, i0+mc) × columns [p0, p0+kc) into MR-row panels (layout in gemm_block.h). MR is a
// compile-time constant so the per-k copies are fixed-size moves, not library calls.
template <int64_t MR>
void pack_a(float* __restrict dst, const float* __restrict A, int64_t lda, bool ta, int64_t i0, int64_t p0, int64_t mc,
            int64_t kc) {
  for (int64_t ip = 0; ip < mc; ip += MR) {
    const int64_t rows = std::min(MR, mc - ip);
    float* panel = dst + ip * kc;
    if (ta && rows == MR) {  // op(A)(i, k) = A[k·lda + i]: each k gives MR contiguous values
      for (int64_t k = 0; k < kc; ++k) {
        const float* src = A + (p0 + k) * lda + i0 + ip;
        for (int64_t r = 0; r < MR; ++r) panel[k * MR + r] = src[r];
      }
    } else if (ta) {
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t r = 0; r < MR; ++r) panel[k * MR + r] = r < rows ? A[(p0 + k) * lda + i0 + ip + r] : 0.0f;
    } else {  // op(A)(i, k) = A[i·lda + k]: read each row in order, write with stride MR
      for (int64_t r = 0; r < rows; ++r) {
        const float* src = A + (i0 + ip + r) * lda + p0;
        for (int64_t k = 0; k < kc; ++k) panel[k * MR + r] = src[k];
      }
      for (int64_t r = rows; r < MR; ++r)
        for (int64_t k = 0; k < kc; ++k) panel[k * MR + r] = 0.0f;
    }
  }
}

// op(B) rows [p0, p0+kc) × columns [j0, j0+nc) into NR-column panels (layout in gemm_block.h).
template <int64_t NR>
void pack_b(float* __restrict dst, const float* __restrict B, int64_t ldb, bool tb, int64_t p0, int64_t j0, int64_t kc,
            int64_t nc) {
  const int64_t full = nc / NR * NR;
  if (!tb) {  // op(B)(k, j) = B[k·ldb + j]: read each row of B in order, NR values into each panel
    for (int64_t k = 0; k < kc; ++k) {
      const float* src = B + (p0 + k) * ldb + j0;
      for (int64_t jp = 0; jp < full; jp += NR)
        for (int64_t c = 0; c < NR; ++c) dst[jp * kc + k * NR + c] = src[jp + c];
      for (int64_t c = 0; c < NR && full < nc; ++c) dst[full * kc + k * NR + c] = full + c < nc ? src[full + c] : 0.0f;
    }
    return;
  }
  // op(B)(k, j) = B[j·ldb + k]: a transpose. Done kChunk values of k at a time, so the panel rows being
  // written (kChunk × NR floats) stay in L1 while every column of op(B) is read one cache line at a time;
  // writing whole columns of a long panel instead misses L1 on every store.
  constexpr int64_t kChunk = 16;
  for (int64_t jp = 0; jp < nc; jp += NR) {
    const int64_t cols = std::min(NR, nc - jp);
    float* panel = dst + jp * kc;
    for (int64_t k0 = 0; k0 < kc; k0 += kChunk) {
      const int64_t kn = std::min(kChunk, kc - k0);
      for (int64_t c = 0; c < cols; ++c) {
        const float* src = B + (j0 + jp + c) * ldb + p0 + k0;
        for (int64_t k = 0; k < kn; ++k) panel[(k0 + k) * NR + c] = src[k];
      }
      for (int64_t c = cols; c < NR; ++c)
        for (int64_t k = 0; k < kn; ++k) panel[(k0 + k) * NR + c] = 0.0f;
    }
  }
}

// C rows [m0, m1) × columns [n0, n1), on the calling thread.
void gemm_rect(const GemmBlocking& bk, PackBuffers& buffers, bool ta, bool tb, int64_t m0, int64_t m1, int64_t n0,
               int64_t n1, int64_t N_total, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
               int64_t ldb, float beta, float* C, int64_t ldc) {
  if (m0 >= m1 || n0 >= n1) return;
  const int64_t kc_max = gemm_k_block(bk, K);
  // When every row fits one A block (the conv GEMMs: M = output channels), each B element is used by
  // few rows, so packing B is a large share of the work: B blocks are then cut small enough to stay in
  // L2 from packing to use, and A is packed once per K block instead of once per B block.
  const bool one_row_block = m1 - m0 <= bk.mc;
  // When few columns share each A panel (a conv layer on a 7×7 map: N = 49), packing A
  // costs more than the contiguous reads save: the kernel reads op(A) = A in place. Decided on the
  // whole N, not this rectangle, so every thread count takes the same path.
  const bool direct_a = !ta && N_total <= kDirectAMaxN;
  const int64_t nc_step = one_row_block ? gemm_l2_columns(bk, kc_max) : bk.nc;
  const int64_t mc_max = std::min(bk.mc, round_up(m1 - m0, bk.mr));
  const int64_t nc_max = std::min(nc_step, round_up(n1 - n0, bk.nr));
  float* const Ap = direct_a ? nullptr : buffers.a.ensure(mc_max * kc_max);
  float* const Bp = buffers.b.ensure(kc_max * nc_max);
  // The first K block applies the caller's beta; the later ones add onto it.
  auto block_beta = [beta](int64_t pc) { return pc == 0 ? beta : 1.0f; };
  // Rows from ic, K from pc: the packed A block, or A itself.
  auto block = [&](int64_t ic, int64_t pc, int64_t mc, int64_t nc, int64_t kc, float beta_block, float* c) {
    if (direct_a) bk.block(mc, nc, kc, A + ic * lda + pc, lda, Bp, alpha, beta_block, c, ldc);
    else bk.block(mc, nc, kc, Ap, 0, Bp, alpha, beta_block, c, ldc);
  };
  if (one_row_block) {
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      if (!direct_a) bk.pack_a(Ap, A, lda, ta, m0, pc, m1 - m0, kc);
      for (int64_t jc = n0; jc < n1; jc += nc_step) {
        const int64_t nc = std::min(nc_step, n1 - jc);
        bk.pack_b(Bp, B, ldb, tb, pc, jc, kc, nc);
        block(m0, pc, m1 - m0, nc, kc, block_beta(pc), C + m0 * ldc + jc);
      }
    }
    return;
  }
  for (int64_t jc = n0; jc < n1; jc += nc_step) {
    const int64_t nc = std::min(nc_step, n1 - jc);
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      bk.pack_b(Bp, B, ldb, tb, pc, jc, kc, nc);
      for (int64_t ic = m0; ic < m1; ic += bk.mc) {
        const int64_t mc = std::min(bk.mc, m1 - ic);
        if (!direct_a) bk.pack_a(Ap, A, lda, ta, ic, pc, mc, kc);
        block(ic, pc, mc, nc, kc, block_beta(pc), C + ic * ldc + jc);
      }
    }
  }
}

// Part `t` of `parts` of [0, n), cut at multiples of `unit`, as [lo, hi).
void split(int64_t n, int64_t unit, int64_t t, int64_t parts, int64_t& lo, int64_t& hi) {
  const int64_t units = (n + unit - 1) / unit;
  lo = std::min(n, units * t / parts * unit);
  hi = std::min(n, units * (t + 1) / parts * unit);
}

// How C is cut into tasks: a rows × cols grid of rectangles along whole register tiles.
struct Grid {
  int64_t rows = 1, cols = 1;
};

// A task costs its multiply-adds plus the packing of its rows of A and columns of B, each packed
// element counted as kPackCost multiply-adds; a thread's load is its share of the tasks. Among 1, 2 or
// 4 tasks per thread and every grid shape, the most tasks whose load is within 5% of the cheapest win:
// tasks are handed out dynamically, so a thread slowed by another process on its core takes fewer of
// them instead of holding up the whole call. (Without the packing term, 64 × 100352 would be cut into
// 8-row strips, each packing all of B for 8 rows' use.)
Grid choose_grid(const GemmBlocking& bk, int64_t M, int64_t N, int64_t K, int threads) {
  struct Candidate {
    Grid grid;
    double load;
  };
  std::vector<Candidate> candidates;
  for (int64_t per_thread = 1; per_thread <= kTasksPerThread; per_thread *= 2) {
    const int64_t tasks = per_thread * threads;
    if (per_thread > 1 && M * N * K / tasks < kTaskMacs) break;
    for (int64_t r = 1; r <= tasks; ++r) {
      if (tasks % r) continue;
      const double rows = static_cast<double>(((M + bk.mr - 1) / bk.mr + r - 1) / r * bk.mr);
      const double cols = static_cast<double>(((N + bk.nr - 1) / bk.nr + tasks / r - 1) / (tasks / r) * bk.nr);
      candidates.push_back(
          {{r, tasks / r}, static_cast<double>(per_thread) * (rows * cols + kPackCost * (rows + cols))});
    }
  }
  double cheapest = candidates.front().load;
  for (const auto& c : candidates) cheapest = std::min(cheapest, c.load);
  const Candidate* pick = nullptr;
  for (const auto& c : candidates) {
    if (c.load > 1.05 * cheapest) continue;
    const int64_t tasks = c.grid.rows * c.grid.cols;
    if (!pick || tasks > pick->grid.rows * pick->grid.cols ||
        (tasks == pick->grid.rows * pick->grid.cols && c.load < pick->load))
      pick = &c;
  }
  return pick->grid;
}

}  // namespace

// Block sizes, measured on Zen 4 (32 KB L1d, 1 MB L2 per core): KC·NR·4 bytes of B panel in L1,
// MC·KC·4 bytes of A block in L2, KC·NC·4 bytes of B block in the shared L3.
const GemmBlocking kGemmAvx2Blocking{kAvx2MR, kAvx2NR, 120, 384, 2048, gemm_block_avx2, pack_a<kAvx2MR>,
                                     pack_b<kAvx2NR>};
const GemmBlocking kGemmAvx512Blocking{kAvx512MR, kAvx512NR, 144, 384, 2016, gemm_block_avx512, pack_a<kAvx512MR>,
                                       pack_b<kAvx512NR>};

int64_t gemm_k_block(const GemmBlocking& bk, int64_t K) {
  return round_up((K + bk.kc - 1) / ((K + bk.kc - 1) / bk.kc), 8);
}

int64_t gemm_l2_columns(const GemmBlocking& bk, int64_t kc) {
  return std::clamp(kL2BlockBytes / (kc * int64_t(sizeof(float))) / bk.nr * bk.nr, bk.nr, bk.nc);
}

void gemm_packed(const GemmBlocking& bk, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                 const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // no products: C = beta·C, and beta == 0 assigns zeros
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
    return;
  }
  const int threads = omp_in_parallel() || M * N * K < kParallelMacs ? 1 : omp_get_max_threads();
  const Grid grid = threads == 1 ? Grid{} : choose_grid(bk, M, N, K, threads);
  const int64_t tasks = grid.rows * grid.cols;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    PackBuffers buffers;
#pragma omp for schedule(dynamic, 1)
    for (int64_t t = 0; t < tasks; ++t) {
      int64_t m0, m1, n0, n1;
      split(M, bk.mr, t / grid.cols, grid.rows, m0, m1);
      split(N, bk.nr, t % grid.cols, grid.cols, n0, n1);
      gemm_rect(bk, buffers, ta, tb, m0, m1, n0, n1, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    }
  }
}

PackedB pack_b_once(const GemmBlocking& bk, const float* B, int64_t ldb, bool tb, int64_t K, int64_t N) {
  PackedB p;
  p.K = K, p.N = N, p.kc = gemm_k_block(bk, std::max<int64_t>(K, 1)), p.npad = round_up(N, bk.nr);
  p.data = aligned_floats(std::max<int64_t>(1, K * p.npad));
  for (int64_t pc = 0; pc < K; pc += p.kc)
    bk.pack_b(p.data.get() + pc * p.npad, B, ldb, tb, pc, 0, std::min(p.kc, K - pc), N);
  return p;
}

void gemm_prepacked_b(const GemmBlocking& bk, int64_t M, int64_t N, const float* A, int64_t lda, const PackedB& B,
                      float alpha, float beta, float* C, int64_t ldc) {
  N = std::min(N, B.N);
  if (M <= 0 || N <= 0) return;
  if (B.K <= 0) {  // no products: C = beta·C
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
    return;
  }
  const int64_t panels = (N + bk.nr - 1) / bk.nr;
  const int threads = omp_in_parallel() || M * N * B.K < kPrepackedParallelMacs ? 1 : omp_get_max_threads();
  const int64_t parts = std::min<int64_t>(threads, panels);
#pragma omp parallel for schedule(static) num_threads(threads) if (parts > 1)
  for (int64_t part = 0; part < parts; ++part) {
    const int64_t j0 = panels * part / parts * bk.nr, j1 = std::min(N, panels * (part + 1) / parts * bk.nr);
    for (int64_t pc = 0; pc < B.K; pc += B.kc) {
      const int64_t kc = std::min(B.kc, B.K - pc);
      bk.block(M, j1 - j0, kc, A + pc, lda, B.data.get() + pc * B.npad + j0 * kc, alpha, pc == 0 ? beta : 1.0f,
               C + j0, ldc);
    }
  }
}

void gemm_packed_avx2(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                      const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm_packed(kGemmAvx2Blocking, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm_packed_avx512(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                        const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm_packed(kGemmAvx512Blocking, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace thorax::kernels::cpu
