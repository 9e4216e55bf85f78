// NT-Xent (SimCLR's normalized temperature-scaled cross-entropy), fused.
//
// z: (n2, d) dense, n2 = 2N even; rows i and (i + N) mod 2N are the two views of one image.
//   ẑ_i = z_i / max(‖z_i‖, 1e-12),  S_ik = ẑ_i·ẑ_k / τ,
//   loss = (1/2N) Σ_i [ −S_{i,pos(i)} + log Σ_{k≠i} exp(S_ik) ].
// Forward: one GEMM (2N×2N×d) and one fused pass over S (mask, log-sum-exp). Forward and backward
// together (what a training step needs): the same GEMM and pass also leave dS = ∂loss/∂S in place of S,
// then one GEMM for dẑ = (dS + dSᵀ)·ẑ/τ and the projection through the normalization.
// FLOPs: forward 2·(2N)²·d, forward and backward 4·(2N)²·d. Deterministic.
#pragma once
#include <cstdint>

#include "kernels/cpu/cpu_features.h"
#include "kernels/registry.h"

namespace thorax::kernels {

template <class T> using NtXentForwardFn = T (*)(const T* z, int64_t n2, int64_t d, double tau);
// Returns the loss and, backward contract, assigns gz = g · d(loss)/dz for the scalar upstream gradient g.
template <class T> using NtXentForwardBackwardFn = T (*)(const T* z, int64_t n2, int64_t d, double tau, T g, T* gz);

struct NtXentKernel {
  NtXentForwardFn<float> forward;
  NtXentForwardBackwardFn<float> forward_backward;
};

// The table for a CPU with features `f`: versions it cannot run are left out (named in `unavailable`).
Op<NtXentKernel> make_nt_xent_op(const cpu::CpuFeatures& f);
// The table for this CPU, built on first use.
const Op<NtXentKernel>& nt_xent_op();

void describe_nt_xent(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
