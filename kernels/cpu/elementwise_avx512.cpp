// The AVX512 elementwise activations (kernels/cpu/elementwise_vec.h). Compiled with the AVX-512 flags
// (kernels/CMakeLists.txt); called only when the CPU has them (kernels/elementwise.cpp).
#include <immintrin.h>

#include <algorithm>

#include "kernels/cpu/elementwise_vec.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx512.h"
#include "kernels/cpu/elementwise_simd.h"

}  // namespace

UnaryKernel unary_vec_avx512(UnaryOp op) { return VecUnary<Avx512>::kernel(op); }

}  // namespace thorax::kernels::cpu
