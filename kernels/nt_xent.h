// NT-Xent (SimCLR's normalized temperature-scaled cross-entropy), fused.
//
// z: (n2, d) dense, n2 = 2N even; rows i and (i + N) mod 2N are the two views of one image.
//   ẑ_i = z_i / max(‖z_i‖, 1e-12),  S_ik = ẑ_i·ẑ_k / τ,
//   loss = (1/2N) Σ_i [ −S_{i,pos(i)} + log Σ_{k≠i} exp(S_ik) ].
// Forward: one GEMM (2N×2N×d) and one fused pass over S (mask, log-sum-exp). Backward: the same GEMM,
// one fused pass producing dS, one GEMM for dẑ = (dS + dSᵀ)·ẑ/τ, and the projection through the
// normalization. FLOPs: forward 2·(2N)²·d, backward 4·(2N)²·d. Deterministic.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

template <class T> using NtXentForwardFn = T (*)(const T* z, int64_t n2, int64_t d, double tau);
// Backward contract: gz = g · d(loss)/dz for the scalar upstream gradient g. Assigns gz.
template <class T> using NtXentBackwardFn = void (*)(const T* z, int64_t n2, int64_t d, double tau, T g, T* gz);

struct NtXentKernel {
  NtXentForwardFn<float> forward;
  NtXentBackwardFn<float> backward;
};
const Op<NtXentKernel>& nt_xent_op();

void describe_nt_xent(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
