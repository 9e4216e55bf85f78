// The AVX2 tile transforms of the Winograd convolution (kernels/cpu/winograd_tile.h). Compiled with
// -mavx2 -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/winograd_tile.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx2.h"
#include "kernels/cpu/transpose_simd.h"
#include "kernels/cpu/winograd_simd.h"

}  // namespace

// F(m×m, 3×3)'s transforms for this instruction set.
#define THORAX_WINOGRAD_TABLE(name, F)                                                                 \
  const WinogradKernels name{F::m,                                                                     \
                             F::a,                                                                     \
                             Avx2::lanes,                                                               \
                             input_tile<Avx2, F>,                                                       \
                             output_tile<Avx2, F>,                                                      \
                             weight_tile<Avx2, F>,                                                      \
                             output_adjoint_tile<Avx2, F>,                                              \
                             weight_adjoint_tile<Avx2, F>,                                              \
                             transpose_matrix<Avx2>};
THORAX_WINOGRAD_TABLE(kWinograd43Avx2, F43)
THORAX_WINOGRAD_TABLE(kWinograd23Avx2, F23)
#undef THORAX_WINOGRAD_TABLE

}  // namespace thorax::kernels::cpu
