// NT-Xent (SimCLR's loss) in CUDA (nt_xent.cu), kernels/nt_xent.h's definition. Pointers are device pointers
// (host pointers in the emulator).
#pragma once
#include <cstdint>

namespace thorax::cuda {

// z: (n2, d) dense, n2 = 2N even; rows i and (i + N) mod 2N are the two views of one image.
//   ẑ_i = z_i / max(‖z_i‖, 1e-12),  S_ik = ẑ_i·ẑ_k / τ,  loss = (1/2N) Σ_i [ −S_{i,pos(i)} + log Σ_{k≠i} exp(S_ik) ].
// Writes the loss to *loss (one float in device memory) and, when gz is not null, assigns gz = g·dloss/dz.
// GEMMs: sgemm_tiled with `gemm_tile` (8 or 16) and transpose_tiled; row kernels: one warp per row, `block`
// threads (a multiple of 32). Workspace: nt_xent_workspace(n2, d) floats.
struct NtXentLaunch {
  int gemm_tile = 16;
  unsigned block = 64;
};
std::int64_t nt_xent_workspace(std::int64_t n2, std::int64_t d);
void nt_xent_forward_backward(const float* z, std::int64_t n2, std::int64_t d, float tau, float g, float* loss,
                              float* gz, float* workspace, NtXentLaunch cfg = {});

}  // namespace thorax::cuda
