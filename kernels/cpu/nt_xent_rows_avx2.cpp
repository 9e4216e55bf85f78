// The AVX2 passes over NT-Xent's similarity matrix (kernels/cpu/nt_xent_rows.h). Compiled with
// -mavx2 -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/nt_xent.cpp).
#include <immintrin.h>

#include "kernels/cpu/nt_xent_rows.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx2.h"
#include "kernels/cpu/nt_xent_rows_simd.h"
#include "kernels/cpu/transpose_simd.h"

}  // namespace

const NtXentRowKernels kNtXentRowsAvx2{loss_rows<Avx2>, symmetrize_blocks<Avx2>, mirror_blocks<Avx2>,
                                       transpose_matrix<Avx2>, Avx2::lanes};

}  // namespace thorax::kernels::cpu
