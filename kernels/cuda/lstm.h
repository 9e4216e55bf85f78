// LSTM in CUDA (lstm.cu): the fused cell (one kernel per time step) and a whole layer built from it and
// the GEMMs of gemm.cu. kernels/lstm.h's definitions: gates in PyTorch's order [input, forget, cell, output].
// Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

#include "kernels/cuda/elementwise.h"  // LaunchShape

namespace thorax::cuda {

// x (T, N, I) dense; w_ih (4H, I); w_hh (4H, H); bias (4H) = b_ih + b_hh or null; h0, c0 (N, H) or null
// (zeros); h, c (T, N, H) each step's states at their time index; act (T, N, 4H) the activated gates.
struct LstmShape {
  std::int64_t T = 1, N = 1, I = 1, H = 1;
};

// The fused cell, one thread per hidden unit (grid-stride over N·H): from the pre-activations gates
// (N, 4H) (+ bias, may be null) and c_prev (may be null = 0): i, f, o = σ, g = tanh, c = f·c_prev + i·g,
// h = o·tanh(c); writes h, c and act (N, 4H). Kernel lstm_cell_forward_kernel.
void lstm_cell_forward(const float* gates, const float* bias, const float* c_prev, float* h, float* c, float* act,
                       std::int64_t N, std::int64_t H, LaunchShape shape = {});
// Backward contract: from dL/dh = gh + gh_rec and dL/dc = gc at this step (each may be null = 0), assigns
// g_gates = dL/d(pre-activations) (N, 4H) and g_c_prev = dL/dc_prev (may alias gc). Kernel
// lstm_cell_backward_kernel.
void lstm_cell_backward(const float* act, const float* c_prev, const float* c, const float* gh, const float* gh_rec,
                        const float* gc, float* g_gates, float* g_c_prev, std::int64_t N, std::int64_t H,
                        LaunchShape shape = {});

// A layer over the sequence (t = 0 … T−1, or T−1 … 0 when reverse), kernels/lstm.h's lstm_layer contract.
// The input projection of all steps is one GEMM ((T·N) × I × 4H); each step adds h_prev·W_hhᵀ (a GEMM with
// beta = 1) and runs the fused cell. GEMMs: sgemm_tiled with `gemm_tile` (8 or 16); transposed operands
// via transpose_tiled with the same tile. Workspace: lstm_forward_workspace floats.
struct LstmLaunch {
  int gemm_tile = 16;
  LaunchShape cell = {};
};
std::int64_t lstm_forward_workspace(LstmShape d);
void lstm_layer_forward(const float* x, const float* w_ih, const float* w_hh, const float* bias, const float* h0,
                        const float* c0, float* h, float* c, float* act, LstmShape d, bool reverse, float* workspace,
                        LstmLaunch cfg = {});
// Backward contract (kernels/lstm.h): with gh (T, N, H) the gradient of every step's h (null: 0) and gh_n,
// gc_n (N, H) those of the last step's h and c in processing order (null: 0), assigns gx (T, N, I), gw_ih,
// gw_hh, gbias (4H), gh0, gc0 (N, H); every output may be null except gw_ih, gw_hh, gbias. Workspace:
// lstm_backward_workspace floats.
std::int64_t lstm_backward_workspace(LstmShape d);
void lstm_layer_backward(const float* x, const float* w_ih, const float* w_hh, const float* h0, const float* c0,
                         const float* h, const float* c, const float* act, const float* gh, const float* gh_n,
                         const float* gc_n, float* gx, float* gw_ih, float* gw_hh, float* gbias, float* gh0, float* gc0,
                         LstmShape d, bool reverse, float* workspace, LstmLaunch cfg = {});

}  // namespace thorax::cuda
