// The LSTM cell's pointwise part, fused: one kernel per time step after the two GEMMs.
//
// gates: (N, 4H) pre-activations = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh, in PyTorch's order
// [input, forget, cell, output]. Forward: i,f,o = σ(·), g = tanh(·); c = f·c_prev + i·g; h = o·tanh(c).
// It writes the activated gates (N, 4H) for the backward. FLOPs: ~30 per hidden unit (4 transcendental
// functions). Deterministic.
#pragma once
#include <cstdint>

#include "kernels/cpu/cpu_features.h"
#include "kernels/registry.h"

namespace thorax::kernels {

template <class T>
using LstmCellForwardFn = void (*)(const T* gates, const T* c_prev, T* h, T* c, T* act, int64_t n, int64_t hidden);
// Backward contract: from dL/dh and dL/dc (either may be null = zero) at this step, assigns
// dL/dgates (pre-activation, (N, 4H)) and dL/dc_prev, using the saved activations and c.
template <class T>
using LstmCellBackwardFn = void (*)(const T* act, const T* c_prev, const T* c, const T* gh, const T* gc, T* g_gates,
                                    T* g_c_prev, int64_t n, int64_t hidden);

struct LstmCellKernel {
  LstmCellForwardFn<float> forward;
  LstmCellBackwardFn<float> backward;
};
const Op<LstmCellKernel>& lstm_cell_op();

// ---- lstm_layer: one layer in one direction over a whole sequence (what autograd's lstm records as one
// node). x (T, N, I) dense; w_ih (4H, I); w_hh (4H, H); bias (4H) = b_ih + b_hh, or null; h0, c0 (N, H)
// or null (zeros). Steps run t = 0 … T−1, or T−1 … 0 when `reverse`; h, c (T, N, H) hold each step's
// states at their time index, act (T, N, 4H) its activated gates (kept for the backward).
// One GEMM projects the inputs of all steps ((T·N) × I × 4H); each step adds h_prev·W_hhᵀ and runs the
// fused cell. FLOPs: forward 2·T·N·4H·(I + H) plus the cells; backward twice the GEMM part.
struct LstmLayerDims {
  int64_t T = 1, N = 1, I = 1, H = 1;
};
template <class T>
using LstmLayerForwardFn = void (*)(const T* x, const T* w_ih, const T* w_hh, const T* bias, const T* h0, const T* c0,
                                    T* h, T* c, T* act, LstmLayerDims d, bool reverse);
// Backward contract: with gh (T, N, H) the gradient of every step's h (null: 0) and gh_n, gc_n (N, H)
// those of the last step's h and c in processing order (null: 0), assigns the gradients gx (T, N, I),
// gw_ih, gw_hh, gbias (4H: the gradient of b_ih and of b_hh alike), gh0 and gc0 (N, H). Any output
// pointer may be null (not wanted).
template <class T>
using LstmLayerBackwardFn = void (*)(const T* x, const T* w_ih, const T* w_hh, const T* h0, const T* c0, const T* h,
                                     const T* c, const T* act, const T* gh, const T* gh_n, const T* gc_n, T* gx,
                                     T* gw_ih, T* gw_hh, T* gbias, T* gh0, T* gc0, LstmLayerDims d, bool reverse);
struct LstmLayerKernel {
  LstmLayerForwardFn<float> forward;
  LstmLayerBackwardFn<float> backward;
};
// The table for a CPU with features `f`: versions it cannot run are left out (named in `unavailable`).
Op<LstmLayerKernel> make_lstm_layer_op(const cpu::CpuFeatures& f);
const Op<LstmLayerKernel>& lstm_layer_op();

void describe_lstm(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
