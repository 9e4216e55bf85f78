// Elementwise kernels: add, mul (+ backward), scale, the activations (forward + backward), and the fused
// Adam/AdamW step. One version each: a grid-stride loop.
//
// Layout: every array is contiguous float32 of n elements (an output may alias an input of the same
// element). FLOPs: 1 (add, mul, scale) to ~20 (gelu, Adam) per element; bytes: 8-16 per element read or
// written, so all are bound by memory bandwidth, never by arithmetic — which is why Adam is one fused kernel
// (one pass over w, g, m, v instead of seven).
// Limits: any n >= 0 and any launch shape; a thread handles elements i, i + G, i + 2G, ... with G the
// number of threads in the grid, so a small grid covers any n and consecutive threads touch consecutive
// addresses (coalesced). Deterministic (no reductions).
#include <cmath>
#include <stdexcept>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/launch.h"

namespace thorax::cuda {

using detail::first_index;
using detail::grid_stride;

__global__ void add_f32_grid_stride(const float* a, const float* b,
                                    float* out, std::int64_t n) {
  std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = a[i] + b[i];
}

__global__ void mul_f32_kernel(const float* a, const float* b, float* out, std::int64_t n) {
  for (std::int64_t i = first_index(); i < n; i += grid_stride()) out[i] = a[i] * b[i];
}

// Either gradient may be skipped (null): the branch is uniform across the grid, so it costs no divergence.
__global__ void mul_backward_f32_kernel(const float* g, const float* a, const float* b, float* ga, float* gb,
                                        std::int64_t n) {
  for (std::int64_t i = first_index(); i < n; i += grid_stride()) {
    float gi = g[i], ai = a[i], bi = b[i];  // read both before writing: ga may alias a
    if (ga) ga[i] = gi * bi;
    if (gb) gb[i] = gi * ai;
  }
}

__global__ void scale_f32_kernel(const float* x, float alpha, float* out, std::int64_t n) {
  for (std::int64_t i = first_index(); i < n; i += grid_stride()) out[i] = alpha * x[i];
}

// ---- Activations. Each is a type with value(x, alpha) and derivative(x, y, alpha) = dy/dx given y = f(x), so
// one kernel template serves all of them and the math reads like kernels/reference/elementwise_math.h.
namespace act {

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

struct Relu {
  __device__ static float value(float x, float) { return x > 0.0f ? x : 0.0f; }
  __device__ static float derivative(float x, float, float) { return x > 0.0f ? 1.0f : 0.0f; }
};
struct Relu6 {
  __device__ static float value(float x, float) { return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x); }
  __device__ static float derivative(float x, float, float) { return x > 0.0f && x < 6.0f ? 1.0f : 0.0f; }
};
struct LeakyRelu {
  __device__ static float value(float x, float slope) { return x > 0.0f ? x : slope * x; }
  __device__ static float derivative(float x, float, float slope) { return x > 0.0f ? 1.0f : slope; }
};
struct Sigmoid {
  __device__ static float value(float x, float) { return sigmoid(x); }
  __device__ static float derivative(float, float y, float) { return y * (1.0f - y); }
};
struct Tanh {
  __device__ static float value(float x, float) { return tanhf(x); }
  __device__ static float derivative(float, float y, float) { return 1.0f - y * y; }
};
// silu' needs sigmoid(x), not y = x·sigmoid(x): recomputed rather than stored (an exp is cheaper than a
// second saved tensor's memory traffic).
struct Silu {
  __device__ static float value(float x, float) { return x * sigmoid(x); }
  __device__ static float derivative(float x, float, float) {
    float s = sigmoid(x);
    return s * (1.0f + x * (1.0f - s));
  }
};
// The exact (erf) GELU, as torch.nn.GELU() and the CPU kernels; not the tanh approximation.
struct Gelu {
  __device__ static float value(float x, float) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }
  __device__ static float derivative(float x, float, float) {
    float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
    float pdf = expf(-0.5f * x * x) * 0.39894228040143268f;
    return cdf + x * pdf;
  }
};
struct Hardswish {
  __device__ static float value(float x, float) {
    float r = x + 3.0f;
    r = r < 0.0f ? 0.0f : (r > 6.0f ? 6.0f : r);
    return x * r / 6.0f;
  }
  __device__ static float derivative(float x, float, float) {
    return x < -3.0f ? 0.0f : (x <= 3.0f ? x / 3.0f + 0.5f : 1.0f);
  }
};

}  // namespace act

template <class F>
__global__ void activation_forward_kernel(const float* x, float* y, std::int64_t n, float alpha) {
  for (std::int64_t i = first_index(); i < n; i += grid_stride()) y[i] = F::value(x[i], alpha);
}

template <class F>
__global__ void activation_backward_kernel(const float* x, const float* y, const float* gy, float* gx,
                                           std::int64_t n, float alpha) {
  for (std::int64_t i = first_index(); i < n; i += grid_stride()) gx[i] = gy[i] * F::derivative(x[i], y[i], alpha);
}

// ---- Adam/AdamW. The bias corrections are computed once on the host in double (as nn/adam.cpp does) and
// passed in as step_size = lr/(1-β1^t) and inv_bc2 = 1/√(1-β2^t); `decay` = 1 - lr·wd for AdamW.
__global__ void adam_step_kernel(float* w, const float* g, float* m, float* v, std::int64_t n, float beta1,
                                 float beta2, float eps, float step_size, float inv_bc2, float weight_decay,
                                 float decay, int decoupled) {
  for (std::int64_t i = first_index(); i < n; i += grid_stride()) {
    float wi = w[i], gi = g[i];
    if (decoupled)
      wi *= decay;
    else
      gi += weight_decay * wi;
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - step_size * mi / (sqrtf(vi) * inv_bc2 + eps);
  }
}

// ---- Host wrappers.

void add_f32(const float* a, const float* b, float* out, std::int64_t n, LaunchShape shape) {
  unsigned grid = shape.grid ? shape.grid : blocks_for(n, shape.block);
  launch(THORAX_KERNEL(add_f32_grid_stride), Dim3(grid), Dim3(shape.block), 0, a, b, out, n);
}

void mul_f32(const float* a, const float* b, float* out, std::int64_t n, LaunchShape shape) {
  launch(THORAX_KERNEL(mul_f32_kernel), Dim3(detail::grid_for(n, shape)), Dim3(shape.block), 0, a, b, out, n);
}

void mul_backward_f32(const float* g, const float* a, const float* b, float* ga, float* gb, std::int64_t n,
                      LaunchShape shape) {
  launch(THORAX_KERNEL(mul_backward_f32_kernel), Dim3(detail::grid_for(n, shape)), Dim3(shape.block), 0, g, a, b,
         ga, gb, n);
}

void scale_f32(const float* x, float alpha, float* out, std::int64_t n, LaunchShape shape) {
  launch(THORAX_KERNEL(scale_f32_kernel), Dim3(detail::grid_for(n, shape)), Dim3(shape.block), 0, x, alpha, out,
         n);
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::relu: return "relu";
    case Activation::relu6: return "relu6";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::silu: return "silu";
    case Activation::gelu: return "gelu";
    case Activation::hardswish: return "hardswish";
  }
  return "?";
}

namespace {

// Calls f(forward_kernel, backward_kernel) for the activation's pair of kernel instances.
template <class Fn>
void with_activation(Activation a, Fn&& f) {
  switch (a) {
#define THORAX_ACTIVATION_CASE(enumerator, Type)                                    \
  case Activation::enumerator:                                                      \
    f(THORAX_KERNEL(activation_forward_kernel<act::Type>),                         \
      THORAX_KERNEL(activation_backward_kernel<act::Type>));                        \
    return;
    THORAX_ACTIVATION_CASE(relu, Relu)
    THORAX_ACTIVATION_CASE(relu6, Relu6)
    THORAX_ACTIVATION_CASE(leaky_relu, LeakyRelu)
    THORAX_ACTIVATION_CASE(sigmoid, Sigmoid)
    THORAX_ACTIVATION_CASE(tanh, Tanh)
    THORAX_ACTIVATION_CASE(silu, Silu)
    THORAX_ACTIVATION_CASE(gelu, Gelu)
    THORAX_ACTIVATION_CASE(hardswish, Hardswish)
#undef THORAX_ACTIVATION_CASE
  }
  throw std::invalid_argument("activation: unknown activation");
}

}  // namespace

void activation_forward(Activation a, const float* x, float* y, std::int64_t n, float alpha, LaunchShape shape) {
  with_activation(a, [&](auto fwd, auto) {
    launch(fwd, Dim3(detail::grid_for(n, shape)), Dim3(shape.block), 0, x, y, n, alpha);
  });
}

void activation_backward(Activation a, const float* x, const float* y, const float* gy, float* gx, std::int64_t n,
                         float alpha, LaunchShape shape) {
  with_activation(a, [&](auto, auto bwd) {
    launch(bwd, Dim3(detail::grid_for(n, shape)), Dim3(shape.block), 0, x, y, gy, gx, n, alpha);
  });
}

void adam_step(float* w, const float* g, float* m, float* v, std::int64_t n, const AdamStep& s, LaunchShape shape) {
  if (s.step < 1) throw std::invalid_argument("adam_step: the step count t starts at 1");
  const double t = static_cast<double>(s.step);
  const float step_size = static_cast<float>(s.lr / (1.0 - std::pow(s.beta1, t)));
  const float inv_bc2 = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(s.beta2, t)));
  launch(THORAX_KERNEL(adam_step_kernel), Dim3(detail::grid_for(n, shape)), Dim3(shape.block), 0, w, g, m, v, n,
         static_cast<float>(s.beta1), static_cast<float>(s.beta2), static_cast<float>(s.eps), step_size, inv_bc2,
         static_cast<float>(s.weight_decay), static_cast<float>(1.0 - s.lr * s.weight_decay),
         s.decoupled_weight_decay ? 1 : 0);
}

}  // namespace thorax::cuda
