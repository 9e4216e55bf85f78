// The AVX2 channel-blocked depthwise loops (kernels/cpu/depthwise_blocked.h). Compiled with
// -mavx2 -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/depthwise_conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/depthwise_blocked.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx2.h"
#include "kernels/cpu/depthwise_blocked_simd.h"

}  // namespace

const DepthwiseBlockedKernels kDepthwiseBlockedAvx2{Avx2::lanes, blocked_scratch<Avx2>, blocked_forward<Avx2>,
                                                   blocked_weight<Avx2>};

}  // namespace thorax::kernels::cpu
