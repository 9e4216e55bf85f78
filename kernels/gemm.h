// GEMM: C = alpha * op(A) @ op(B) + beta * C, row-major, op(X) = X or X^T.
// op(A) is M×K, op(B) is K×N, C is M×N; lda/ldb/ldc are row strides in elements (the BLAS convention
// transposed to row-major). beta == 0 means C is assigned (its old contents may be garbage or NaN).
// FLOPs: 2·M·N·K. Deterministic: each C element is summed in a fixed order.
#pragma once
#include <cstdint>

#include "kernels/cpu/cpu_features.h"
#include "kernels/registry.h"

namespace thorax::kernels {

template <class T>
using GemmFn = void (*)(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                        int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc);

// The table for a CPU with features `f`: versions it cannot run are left out (named in `unavailable`).
Op<GemmFn<float>> make_gemm_op(const cpu::CpuFeatures& f);
// The table for this CPU, built on first use.
const Op<GemmFn<float>>& gemm_op();
void describe_gemm(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
