// The AVX-512 tile transforms of the Winograd convolution (kernels/cpu/winograd_tile.h). Compiled with
// -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/winograd_tile.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx512.h"
#include "kernels/cpu/transpose_simd.h"
#include "kernels/cpu/winograd_simd.h"

}  // namespace

// F(m×m, 3×3)'s transforms for this instruction set.
#define THORAX_WINOGRAD_TABLE(name, F)                                                                 \
  const WinogradKernels name{F::m,                                                                     \
                             F::a,                                                                     \
                             Avx512::lanes,                                                               \
                             input_tile<Avx512, F>,                                                       \
                             output_tile<Avx512, F>,                                                      \
                             weight_tile<Avx512, F>,                                                      \
                             output_adjoint_tile<Avx512, F>,                                              \
                             weight_adjoint_tile<Avx512, F>,                                              \
                             transpose_matrix<Avx512>};
THORAX_WINOGRAD_TABLE(kWinograd43Avx512, F43)
THORAX_WINOGRAD_TABLE(kWinograd23Avx512, F23)
#undef THORAX_WINOGRAD_TABLE

}  // namespace thorax::kernels::cpu
