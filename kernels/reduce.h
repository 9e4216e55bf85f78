// Reductions over the middle axis of an (outer, r, inner) layout: x has outer*r*inner elements,
// y has outer*inner. Any set of adjacent dims reduces to this; autograd permutes other sets there.
// FLOPs: ~1 per input element (var: 3). Determinism: each output is summed by one thread in a fixed
// order, so results do not depend on the thread count.
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

enum class ReduceOp { sum, mean, max, min, var };
constexpr int kReduceOpCount = 5;
const char* reduce_name(ReduceOp op);

struct ReduceParams {
  int64_t correction = 1;  // var: divide by r - correction (1 = unbiased, as torch.var)
};

template <class T>
using ReduceForwardFn = void (*)(const T* x, T* y, int64_t outer, int64_t r, int64_t inner, ReduceParams p);
// Backward contract: gx = d(sum(gy * y))/dx; y is the forward output. Assigns gx.
// max/min split the gradient evenly between tied maxima (as torch.amax does).
template <class T>
using ReduceBackwardFn = void (*)(const T* x, const T* y, const T* gy, T* gx, int64_t outer, int64_t r,
                                  int64_t inner, ReduceParams p);

struct ReduceKernel {
  ReduceForwardFn<float> forward;
  ReduceBackwardFn<float> backward;
};
const Op<ReduceKernel>& reduce_op(ReduceOp op);

void describe_reduce(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
