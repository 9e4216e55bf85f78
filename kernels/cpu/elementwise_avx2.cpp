// The AVX2 elementwise activations (kernels/cpu/elementwise_vec.h). Compiled with -mavx2 -mfma
// (kernels/CMakeLists.txt); called only when the CPU has them (kernels/elementwise.cpp).
#include <immintrin.h>

#include <algorithm>

#include "kernels/cpu/elementwise_vec.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx2.h"
#include "kernels/cpu/elementwise_simd.h"

}  // namespace

UnaryKernel unary_vec_avx2(UnaryOp op) { return VecUnary<Avx2>::kernel(op); }

}  // namespace thorax::kernels::cpu
