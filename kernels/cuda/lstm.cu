// LSTM: the fused cell kernels (forward, backward), and a layer's forward and backward built from them and
// from sgemm_tiled / transpose_tiled. One version.
//
// Why this split: the GEMMs are most of the FLOPs (2·T·N·4H·(I + H) forward), and the input projection
// x_t·W_ihᵀ does not depend on the previous step, so all T steps' projections are one large GEMM, which
// keeps a GPU busy where T small per-step GEMMs would not. What remains per step is h_prev·W_hhᵀ (the
// recurrence: inherently sequential) and the pointwise cell: 4 activations and ~30 FLOPs per hidden unit
// reading 4 gate values — memory bound, so it is one fused kernel instead of a dozen elementwise launches.
// Layout: cell kernels take gates and act as (N, 4H) row-major, c_prev, h, c as (N, H); one thread per
// hidden unit (b, j), grid-stride. Deterministic (the GEMMs accumulate in a fixed order; no atomics).
#include <cmath>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/lstm.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/transpose.h"

namespace thorax::cuda {

namespace {

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

}  // namespace

__global__ void lstm_cell_forward_kernel(const float* gates, const float* bias, const float* c_prev, float* h,
                                         float* c, float* act, std::int64_t N, std::int64_t H) {
  for (std::int64_t u = detail::first_index(); u < N * H; u += detail::grid_stride()) {
    const std::int64_t b = u / H, j = u % H;
    const float* g = gates + b * 4 * H;
    float* a = act + b * 4 * H;
    auto pre = [&](std::int64_t gate) { return g[gate * H + j] + (bias ? bias[gate * H + j] : 0.0f); };
    const float i = sigmoid(pre(0)), f = sigmoid(pre(1)), gg = tanhf(pre(2)), o = sigmoid(pre(3));
    const float cc = f * (c_prev ? c_prev[u] : 0.0f) + i * gg;
    a[j] = i;
    a[H + j] = f;
    a[2 * H + j] = gg;
    a[3 * H + j] = o;
    c[u] = cc;
    h[u] = o * tanhf(cc);
  }
}

// The derivatives through the saved activations: σ' = s(1 − s), tanh' = 1 − t².
__global__ void lstm_cell_backward_kernel(const float* act, const float* c_prev, const float* c, const float* gh,
                                          const float* gh_rec, const float* gc, float* g_gates, float* g_c_prev,
                                          std::int64_t N, std::int64_t H) {
  for (std::int64_t u = detail::first_index(); u < N * H; u += detail::grid_stride()) {
    const std::int64_t b = u / H, j = u % H;
    const float* a = act + b * 4 * H;
    float* d = g_gates + b * 4 * H;
    const float i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
    const float tc = tanhf(c[u]);
    const float dh = (gh ? gh[u] : 0.0f) + (gh_rec ? gh_rec[u] : 0.0f);
    const float dc = (gc ? gc[u] : 0.0f) + dh * o * (1.0f - tc * tc);
    d[j] = dc * gg * i * (1.0f - i);
    d[H + j] = dc * (c_prev ? c_prev[u] : 0.0f) * f * (1.0f - f);
    d[2 * H + j] = dc * i * (1.0f - gg * gg);
    d[3 * H + j] = dh * tc * o * (1.0f - o);
    g_c_prev[u] = dc * f;  // after every read of gc[u]: g_c_prev may alias gc
  }
}

void lstm_cell_forward(const float* gates, const float* bias, const float* c_prev, float* h, float* c, float* act,
                       std::int64_t N, std::int64_t H, LaunchShape shape) {
  launch(THORAX_KERNEL(lstm_cell_forward_kernel), Dim3(detail::grid_for(N * H, shape)), Dim3(shape.block), 0, gates,
         bias, c_prev, h, c, act, N, H);
}

void lstm_cell_backward(const float* act, const float* c_prev, const float* c, const float* gh, const float* gh_rec,
                        const float* gc, float* g_gates, float* g_c_prev, std::int64_t N, std::int64_t H,
                        LaunchShape shape) {
  launch(THORAX_KERNEL(lstm_cell_backward_kernel), Dim3(detail::grid_for(N * H, shape)), Dim3(shape.block), 0, act,
         c_prev, c, gh, gh_rec, gc, g_gates, g_c_prev, N, H);
}

namespace {

int as_int(std::int64_t v) { return static_cast<int>(v); }  // sgemm's dimensions are int

}  // namespace

std::int64_t lstm_forward_workspace(LstmShape d) { return 4 * d.H * (d.I + d.H + d.T * d.N); }

void lstm_layer_forward(const float* x, const float* w_ih, const float* w_hh, const float* bias, const float* h0,
                        const float* c0, float* h, float* c, float* act, LstmShape d, bool reverse, float* workspace,
                        LstmLaunch cfg) {
  const std::int64_t G = 4 * d.H, NH = d.N * d.H;
  float* w_ih_t = workspace;           // I x 4H
  float* w_hh_t = w_ih_t + d.I * G;    // H x 4H
  float* gates = w_hh_t + d.H * G;     // (T·N) x 4H
  transpose_tiled(w_ih, G, d.I, d.I, w_ih_t, G, cfg.gemm_tile);
  transpose_tiled(w_hh, G, d.H, d.H, w_hh_t, G, cfg.gemm_tile);
  // Every step's input projection at once.
  sgemm_tiled(as_int(d.T * d.N), as_int(G), as_int(d.I), 1.0f, x, as_int(d.I), w_ih_t, as_int(G), 0.0f, gates,
              as_int(G), cfg.gemm_tile);
  const float* h_prev = h0;
  const float* c_prev = c0;
  for (std::int64_t s = 0; s < d.T; ++s) {
    const std::int64_t t = reverse ? d.T - 1 - s : s;
    float* g = gates + t * d.N * G;
    if (h_prev)  // gates_t += h_prev·W_hhᵀ
      sgemm_tiled(as_int(d.N), as_int(G), as_int(d.H), 1.0f, h_prev, as_int(d.H), w_hh_t, as_int(G), 1.0f, g,
                  as_int(G), cfg.gemm_tile);
    lstm_cell_forward(g, bias, c_prev, h + t * NH, c + t * NH, act + t * d.N * G, d.N, d.H, cfg.cell);
    h_prev = h + t * NH;
    c_prev = c + t * NH;
  }
}

std::int64_t lstm_backward_workspace(LstmShape d) { return 2 * d.T * d.N * 4 * d.H + 2 * d.N * d.H + d.T * d.N; }

void lstm_layer_backward(const float* x, const float* w_ih, const float* w_hh, const float* h0, const float* c0,
                         const float* h, const float* c, const float* act, const float* gh, const float* gh_n,
                         const float* gc_n, float* gx, float* gw_ih, float* gw_hh, float* gbias, float* gh0, float* gc0,
                         LstmShape d, bool reverse, float* workspace, LstmLaunch cfg) {
  const std::int64_t G = 4 * d.H, NH = d.N * d.H, TN = d.T * d.N;
  float* dG = workspace;          // (T·N) x 4H: the gates' gradients at their time index
  float* dG_t = dG + TN * G;      // 4H x (T·N): transposed
  float* dh = dG_t + G * TN;      // N x H: dL/dh_prev flowing back through the recurrence
  float* dc = dh + NH;            // N x H: dL/dc_prev
  float* ones = dc + NH;          // T·N ones: gbias = dGᵀ·1
  const int tile = cfg.gemm_tile;
  // The state before step s in processing order (null: zeros).
  auto prev = [&](const float* seq, const float* init, std::int64_t s) -> const float* {
    if (s == 0) return init;
    return seq + (reverse ? d.T - s : s - 1) * NH;
  };
  for (std::int64_t s = d.T - 1; s >= 0; --s) {
    const std::int64_t t = reverse ? d.T - 1 - s : s;
    const bool last = s == d.T - 1;
    lstm_cell_backward(act + t * d.N * G, prev(c, c0, s), c + t * NH, gh ? gh + t * NH : nullptr, last ? gh_n : dh,
                       last ? gc_n : dc, dG + t * d.N * G, dc, d.N, d.H, cfg.cell);
    // dL/dh_prev = dG_t·W_hh (W_hh is 4H x H: already the K x N operand).
    sgemm_tiled(as_int(d.N), as_int(d.H), as_int(G), 1.0f, dG + t * d.N * G, as_int(G), w_hh, as_int(d.H), 0.0f, dh,
                as_int(d.H), tile);
  }
  if (d.T == 0) {  // no step ran: the initial states' gradients are the final ones'
    if (gh0) gh_n ? scale_f32(gh_n, 1.0f, gh0, NH, cfg.cell) : fill_f32(gh0, NH, 0.0f, cfg.cell);
    if (gc0) gc_n ? scale_f32(gc_n, 1.0f, gc0, NH, cfg.cell) : fill_f32(gc0, NH, 0.0f, cfg.cell);
  } else {
    if (gh0) scale_f32(dh, 1.0f, gh0, NH, cfg.cell);  // a copy (scaling by 1 is exact)
    if (gc0) scale_f32(dc, 1.0f, gc0, NH, cfg.cell);
  }
  if (gx)  // gx = dG·W_ih, all steps at once
    sgemm_tiled(as_int(TN), as_int(d.I), as_int(G), 1.0f, dG, as_int(G), w_ih, as_int(d.I), 0.0f, gx, as_int(d.I), tile);
  transpose_tiled(dG, TN, G, G, dG_t, TN, tile);
  // gw_ih = dGᵀ·x over all steps.
  sgemm_tiled(as_int(G), as_int(d.I), as_int(TN), 1.0f, dG_t, as_int(TN), x, as_int(d.I), 0.0f, gw_ih, as_int(d.I), tile);
  // gw_hh = Σ_t dG_tᵀ·h_prev(t): step t's columns of dGᵀ against the state that step read.
  fill_f32(gw_hh, G * d.H, 0.0f, cfg.cell);
  for (std::int64_t s = 0; s < d.T; ++s) {
    const std::int64_t t = reverse ? d.T - 1 - s : s;
    const float* hp = prev(h, h0, s);
    if (hp)
      sgemm_tiled(as_int(G), as_int(d.H), as_int(d.N), 1.0f, dG_t + t * d.N, as_int(TN), hp, as_int(d.H), 1.0f, gw_hh,
                  as_int(d.H), tile);
  }
  fill_f32(ones, TN, 1.0f, cfg.cell);
  sgemm_tiled(as_int(G), 1, as_int(TN), 1.0f, dG_t, as_int(TN), ones, 1, 0.0f, gbias, 1, tile);
}

}  // namespace thorax::cuda
