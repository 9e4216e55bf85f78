// The AVX-512 channel-blocked depthwise loops (kernels/cpu/depthwise_blocked.h). Compiled with
// -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma (kernels/CMakeLists.txt); called only when the CPU has them (kernels/depthwise_conv2d.cpp).
#include <immintrin.h>

#include "kernels/cpu/depthwise_blocked.h"

namespace thorax::kernels::cpu {

namespace {

#include "kernels/cpu/vec_avx512.h"
#include "kernels/cpu/depthwise_blocked_simd.h"

}  // namespace

const DepthwiseBlockedKernels kDepthwiseBlockedAvx512{Avx512::lanes, blocked_scratch<Avx512>, blocked_forward<Avx512>,
                                                   blocked_weight<Avx512>};

}  // namespace thorax::kernels::cpu
