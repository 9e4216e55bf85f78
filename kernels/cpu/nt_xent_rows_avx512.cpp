// The AVX-512 passes over NT-Xent's similarity matrix (kernels/cpu/nt_xent_rows.h). Compiled with
// -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/nt_xent.cpp).
#include <immintrin.h>

#include "kernels/cpu/nt_xent_rows.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx512.h"
#include "kernels/cpu/nt_xent_rows_simd.h"
#include "kernels/cpu/transpose_simd.h"

}  // namespace

const NtXentRowKernels kNtXentRowsAvx512{loss_rows<Avx512>, symmetrize_blocks<Avx512>, mirror_blocks<Avx512>,
                                         transpose_matrix<Avx512>, Avx512::lanes};

}  // namespace thorax::kernels::cpu
