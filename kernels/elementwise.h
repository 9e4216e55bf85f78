// Elementwise kernels: unary functions (activations and math) and broadcasting binary arithmetic.
//
// Unary layout: x, y, gy, gx are dense arrays of n elements. FLOPs: a few per element; memory-bound.
// Binary layout: `out` dense in row-major order of `shape`; a and b read through their own strides, a
// stride of 0 meaning a broadcast dimension. All are deterministic (no reductions).
#pragma once
#include <cstdint>

#include "kernels/registry.h"

namespace thorax::kernels {

enum class UnaryOp {
  exp, log, sqrt, rsqrt, abs, neg, clamp, relu, relu6, leaky_relu, sigmoid, tanh, silu, gelu, hardswish, pow_scalar
};
constexpr int kUnaryOpCount = 16;
const char* unary_name(UnaryOp op);

// clamp: [a, b]; leaky_relu: slope a; pow_scalar: exponent a. Unused fields are ignored.
struct UnaryParams {
  double a = 0.0, b = 0.0;
};

template <class T> using UnaryForwardFn = void (*)(const T* x, T* y, int64_t n, UnaryParams p);
// Backward contract: gx[i] = gy[i] * dy/dx at x[i] (y[i] is the forward output). Assigns gx.
template <class T> using UnaryBackwardFn = void (*)(const T* x, const T* y, const T* gy, T* gx, int64_t n, UnaryParams p);

struct UnaryKernel {
  UnaryForwardFn<float> forward;
  UnaryBackwardFn<float> backward;
};
const Op<UnaryKernel>& unary_op(UnaryOp op);

enum class BinaryOp { add, sub, mul, div, pow };
constexpr int kBinaryOpCount = 5;
const char* binary_name(BinaryOp op);

constexpr int kMaxDims = 8;
template <class T> struct BinaryArgs {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  const T* a = nullptr;
  int64_t a_strides[kMaxDims] = {};
  const T* b = nullptr;
  int64_t b_strides[kMaxDims] = {};
  T* out = nullptr;  // dense, row-major
};
template <class T> using BinaryFn = void (*)(const BinaryArgs<T>& args);
const Op<BinaryFn<float>>& binary_op(BinaryOp op);

void describe_elementwise(std::vector<VersionInfo>& out);

}  // namespace thorax::kernels
