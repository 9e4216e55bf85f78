// The LSTM cell's pointwise part, fused: one kernel per time step after the two GEMMs.
//
// gates: (N, 4H) pre-activations = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh, in PyTorch's order
// [input, forget, cell, output]. Forward: i,f,o = σ(·), g = tanh(·); c = f·c_prev + i·g; h = o·tanh(c).
// It writes the activated gates (N, 4H) for the backward. FLOPs: ~30 per hidden unit (4 transcendental
// functions). Deterministic.
#pragma once
#include <cstdint>

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

void describe_lstm(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
