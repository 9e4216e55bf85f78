#include "kernels/cpu/lstm_layer.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/gemm_packed.h"
#include "kernels/cpu/lstm.h"
#include "kernels/cpu/lstm_cell_vec.h"
#include "kernels/gemm.h"

namespace thorax::kernels::cpu {

namespace {

// A GEMM and a cell: the packed GEMM of one instruction set, or (bk null) the registry's CPU GEMM.
struct Isa {
  const GemmBlocking* bk;
  LstmCellForwardFn<float> cell_forward;
  LstmCellBackwardFn<float> cell_backward;

  void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
            float beta, float* C, int64_t ldc) const {
    if (bk)
      gemm_packed(*bk, ta, tb, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
    else
      gemm_op().cpu()(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
  }
};

// The recurrence's product C (M × N) += A (M × K, row stride lda) · op(B), B the same every step:
// packed once when there is a packed GEMM.
class StepProduct {
 public:
  StepProduct(const Isa& isa, const float* B, int64_t ldb, bool tb, int64_t K, int64_t N)
      : isa_(isa), B_(B), ldb_(ldb), tb_(tb), K_(K), N_(N) {
    if (isa.bk) packed_ = pack_b_once(*isa.bk, B, ldb, tb, K, N);
  }
  void run(int64_t M, const float* A, int64_t lda, float beta, float* C, int64_t ldc) const {
    if (isa_.bk)
      gemm_prepacked_b(*isa_.bk, M, N_, A, lda, packed_, 1.0f, beta, C, ldc);
    else
      isa_.gemm(false, tb_, M, N_, K_, A, lda, B_, ldb_, beta, C, ldc);
  }

 private:
  const Isa& isa_;
  const float* B_;
  int64_t ldb_;
  bool tb_;
  int64_t K_, N_;
  PackedB packed_;
};

void forward(const Isa& isa, const float* x, const float* w_ih, const float* w_hh, const float* bias, const float* h0,
             const float* c0, float* h, float* c, float* act, LstmLayerDims d, bool reverse) {
  const int64_t N = d.N, H = d.H, G = 4 * H, rows = d.T * N;
  AlignedBuffer proj(rows * G), zeros(N * H);
  std::fill(zeros.get(), zeros.get() + N * H, 0.0f);
  // Every step's input projection at once: proj (T·N × 4H) = x · W_ihᵀ + bias.
  isa.gemm(false, true, rows, G, d.I, x, d.I, w_ih, d.I, 0.0f, proj.get(), G);
  if (bias)
#pragma omp parallel for schedule(static) if (rows * G > (1 << 16) && !omp_in_parallel())
    for (int64_t r = 0; r < rows; ++r) {
      float* p = proj.get() + r * G;
#pragma omp simd
      for (int64_t g = 0; g < G; ++g) p[g] += bias[g];
    }
  const StepProduct recurrent(isa, w_hh, H, true, H, G);  // h_prev · W_hhᵀ
  const float* hp = h0 ? h0 : zeros.get();
  const float* cp = c0 ? c0 : zeros.get();
  for (int64_t s = 0; s < d.T; ++s) {
    const int64_t t = reverse ? d.T - 1 - s : s;
    float* gates = proj.get() + t * N * G;
    if (hp != zeros.get()) recurrent.run(N, hp, H, 1.0f, gates, G);
    isa.cell_forward(gates, cp, h + t * N * H, c + t * N * H, act + t * N * G, N, H);
    hp = h + t * N * H, cp = c + t * N * H;
  }
}

void backward(const Isa& isa, const float* x, const float* w_ih, const float* w_hh, const float* h0, const float* c0,
              const float* h, const float* c, const float* act, const float* gh, const float* gh_n, const float* gc_n,
              float* gx, float* gw_ih, float* gw_hh, float* gbias, float* gh0, float* gc0, LstmLayerDims d,
              bool reverse) {
  const int64_t N = d.N, H = d.H, G = 4 * H, T = d.T, NH = N * H, rows = T * N;
  AlignedBuffer dG(rows * G), dh(NH), dh_next(NH), dc_next(NH), dc_prev(NH), zeros(NH);
  std::fill(zeros.get(), zeros.get() + NH, 0.0f);
  std::copy(gh_n ? gh_n : zeros.get(), (gh_n ? gh_n : zeros.get()) + NH, dh_next.get());
  std::copy(gc_n ? gc_n : zeros.get(), (gc_n ? gc_n : zeros.get()) + NH, dc_next.get());
  const StepProduct through_w_hh(isa, w_hh, H, false, G, H);  // dgates · W_hh
  // Step s's time index, and the time index of the state it started from (−1: h0/c0).
  auto time_of = [&](int64_t s) { return reverse ? T - 1 - s : s; };
  for (int64_t s = T - 1; s >= 0; --s) {
    const int64_t t = time_of(s);
    const float* g_in = gh ? gh + t * NH : zeros.get();
#pragma omp simd
    for (int64_t u = 0; u < NH; ++u) dh[u] = g_in[u] + dh_next[u];
    const float* c_prev = s == 0 ? (c0 ? c0 : zeros.get()) : c + time_of(s - 1) * NH;
    float* dGt = dG.get() + t * N * G;
    isa.cell_backward(act + t * N * G, c_prev, c + t * NH, dh.get(), dc_next.get(), dGt, dc_prev.get(), N, H);
    through_w_hh.run(N, dGt, G, 0.0f, dh_next.get(), H);
    std::swap(dc_next, dc_prev);
  }
  if (gh0) std::copy(dh_next.get(), dh_next.get() + NH, gh0);
  if (gc0) std::copy(dc_next.get(), dc_next.get() + NH, gc0);
  // gw_hh = Σ_steps dG_tᵀ · h_prev: the steps after the first pair with the stored states one step
  // back in processing order, which are contiguous rows of h; the first pairs with h0.
  if (gw_hh) {
    const float* dG_rest = dG.get() + (reverse ? 0 : N * G);  // rows of the steps s ≥ 1
    const float* h_prev = h + (reverse ? NH : 0);
    isa.gemm(true, false, G, H, (T - 1) * N, dG_rest, G, h_prev, H, 0.0f, gw_hh, H);
    if (h0) isa.gemm(true, false, G, H, N, dG.get() + time_of(0) * N * G, G, h0, H, 1.0f, gw_hh, H);
  }
  if (gw_ih) isa.gemm(true, false, G, d.I, rows, dG.get(), G, x, d.I, 0.0f, gw_ih, d.I);
  if (gx) isa.gemm(false, false, rows, d.I, G, dG.get(), G, w_ih, d.I, 0.0f, gx, d.I);
  if (gbias) {  // column sums of dG, row after row (in order: deterministic)
    std::vector<double> sum(static_cast<size_t>(G), 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = dG.get() + r * G;
#pragma omp simd
      for (int64_t g = 0; g < G; ++g) sum[static_cast<size_t>(g)] += row[g];
    }
    for (int64_t g = 0; g < G; ++g) gbias[g] = static_cast<float>(sum[static_cast<size_t>(g)]);
  }
}

const Isa kPortable{nullptr, lstm_cell_forward, lstm_cell_backward};
const Isa kAvx2{&kGemmAvx2Blocking, lstm_cell_forward_avx2, lstm_cell_backward_avx2};
const Isa kAvx512{&kGemmAvx512Blocking, lstm_cell_forward_avx512, lstm_cell_backward_avx512};

}  // namespace

#define THORAX_LSTM_LAYER_DEFINE(suffix, isa)                                                                          \
  void lstm_layer_forward##suffix(const float* x, const float* w_ih, const float* w_hh, const float* bias,             \
                                  const float* h0, const float* c0, float* h, float* c, float* act, LstmLayerDims d,   \
                                  bool reverse) {                                                                      \
    forward(isa, x, w_ih, w_hh, bias, h0, c0, h, c, act, d, reverse);                                                  \
  }                                                                                                                    \
  void lstm_layer_backward##suffix(const float* x, const float* w_ih, const float* w_hh, const float* h0,              \
                                   const float* c0, const float* h, const float* c, const float* act, const float* gh, \
                                   const float* gh_n, const float* gc_n, float* gx, float* gw_ih, float* gw_hh,        \
                                   float* gbias, float* gh0, float* gc0, LstmLayerDims d, bool reverse) {              \
    backward(isa, x, w_ih, w_hh, h0, c0, h, c, act, gh, gh_n, gc_n, gx, gw_ih, gw_hh, gbias, gh0, gc0, d, reverse);    \
  }
THORAX_LSTM_LAYER_DEFINE(, kPortable)
THORAX_LSTM_LAYER_DEFINE(_avx2, kAvx2)
THORAX_LSTM_LAYER_DEFINE(_avx512, kAvx512)
#undef THORAX_LSTM_LAYER_DEFINE

}  // namespace thorax::kernels::cpu
