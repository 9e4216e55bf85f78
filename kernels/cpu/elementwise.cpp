#include "kernels/cpu/elementwise.h"

#include "kernels/reference/elementwise_math.h"

namespace thorax::kernels::cpu {

// Below this many elements, threads cost more than they save.
static constexpr int64_t kParallelGrain = 1 << 15;

template <UnaryOp OP> void unary_forward(const float* x, float* y, int64_t n, UnaryParams p) {
#pragma omp parallel for simd schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) y[i] = unary_value<OP>(x[i], p);
}

template <UnaryOp OP>
void unary_backward(const float* x, const float* y, const float* gy, float* gx, int64_t n, UnaryParams p) {
#pragma omp parallel for simd schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) gx[i] = gy[i] * unary_derivative<OP>(x[i], y[i], p);
}

template <BinaryOp OP> void binary(const BinaryArgs<float>& g) {
  // Rows of the last dimension; inner strides are 0 (broadcast) or anything else.
  if (g.ndim == 0) {
    g.out[0] = binary_value<OP>(g.a[0], g.b[0]);
    return;
  }
  const int last = g.ndim - 1;
  const int64_t inner = g.shape[last];
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= g.shape[d];
  const int64_t sa = g.a_strides[last], sb = g.b_strides[last];
#pragma omp parallel for schedule(static) if (rows * inner > kParallelGrain)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t rem = r, oa = 0, ob = 0;
    for (int d = last - 1; d >= 0; --d) {
      int64_t c = rem % g.shape[d];
      rem /= g.shape[d];
      oa += c * g.a_strides[d];
      ob += c * g.b_strides[d];
    }
    const float* a = g.a + oa;
    const float* b = g.b + ob;
    float* o = g.out + r * inner;
    if (sa == 1 && sb == 1) {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) o[i] = binary_value<OP>(a[i], b[i]);
    } else if (sa == 1 && sb == 0) {
      const float bv = b[0];
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) o[i] = binary_value<OP>(a[i], bv);
    } else if (sa == 0 && sb == 1) {
      const float av = a[0];
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) o[i] = binary_value<OP>(av, b[i]);
    } else {
      for (int64_t i = 0; i < inner; ++i) o[i] = binary_value<OP>(a[i * sa], b[i * sb]);
    }
  }
}

#define THORAX_INSTANTIATE_UNARY(name)                                                                  \
  template void unary_forward<UnaryOp::name>(const float*, float*, int64_t, UnaryParams);              \
  template void unary_backward<UnaryOp::name>(const float*, const float*, const float*, float*, int64_t, \
                                              UnaryParams);
THORAX_INSTANTIATE_UNARY(exp) THORAX_INSTANTIATE_UNARY(log) THORAX_INSTANTIATE_UNARY(sqrt)
THORAX_INSTANTIATE_UNARY(rsqrt) THORAX_INSTANTIATE_UNARY(abs) THORAX_INSTANTIATE_UNARY(neg)
THORAX_INSTANTIATE_UNARY(clamp) THORAX_INSTANTIATE_UNARY(relu) THORAX_INSTANTIATE_UNARY(relu6)
THORAX_INSTANTIATE_UNARY(leaky_relu) THORAX_INSTANTIATE_UNARY(sigmoid) THORAX_INSTANTIATE_UNARY(tanh)
THORAX_INSTANTIATE_UNARY(silu) THORAX_INSTANTIATE_UNARY(gelu) THORAX_INSTANTIATE_UNARY(hardswish)
THORAX_INSTANTIATE_UNARY(pow_scalar)
#undef THORAX_INSTANTIATE_UNARY

template void binary<BinaryOp::add>(const BinaryArgs<float>&);
template void binary<BinaryOp::sub>(const BinaryArgs<float>&);
template void binary<BinaryOp::mul>(const BinaryArgs<float>&);
template void binary<BinaryOp::div>(const BinaryArgs<float>&);
template void binary<BinaryOp::pow>(const BinaryArgs<float>&);

}  // namespace thorax::kernels::cpu
