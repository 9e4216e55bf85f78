// CPU LSTM layer (kernels/lstm.h's lstm_layer), versions "sequence" (the registry's CPU GEMM and the
// "omp_simd" cell, for any CPU) and "sequence_avx2", "sequence_avx512" (the packed GEMM and the
// vectorized cell of that instruction set, the recurrent weights packed once per call and each step's
// product run on them in place: nothing packed per step).
// Forward: one GEMM for every step's input projection (+ both biases), then per step h_prev·W_hhᵀ added
// onto that step's projection and the fused cell. Backward: per step (in reverse processing order) the
// cell's backward and dh_prev = dgates·W_hh; then three GEMMs over all steps at once: gw_ih = dGᵀ·x,
// gw_hh = dGᵀ·h_prev, gx = dG·W_ih, and the bias gradient as dG's column sums.
// Threads: the GEMMs' own (a step's product splits its columns); the cell runs on the calling thread.
// Deterministic: every sum in a fixed order.
#pragma once
#include "kernels/lstm.h"

namespace thorax::kernels::cpu {

#define THORAX_LSTM_LAYER_VERSION(suffix)                                                                        \
  void lstm_layer_forward##suffix(const float* x, const float* w_ih, const float* w_hh, const float* bias,        \
                                  const float* h0, const float* c0, float* h, float* c, float* act, LstmLayerDims d, \
                                  bool reverse);                                                                 \
  void lstm_layer_backward##suffix(const float* x, const float* w_ih, const float* w_hh, const float* h0,        \
                                   const float* c0, const float* h, const float* c, const float* act,           \
                                   const float* gh, const float* gh_n, const float* gc_n, float* gx,            \
                                   float* gw_ih, float* gw_hh, float* gbias, float* gh0, float* gc0,            \
                                   LstmLayerDims d, bool reverse);
THORAX_LSTM_LAYER_VERSION()
THORAX_LSTM_LAYER_VERSION(_avx2)
THORAX_LSTM_LAYER_VERSION(_avx512)
#undef THORAX_LSTM_LAYER_VERSION

}  // namespace thorax::kernels::cpu
