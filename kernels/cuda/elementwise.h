// Elementwise CUDA kernels (elementwise.cu). Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

namespace thorax::cuda {

// Launch shape chosen by the caller: threads per block, and blocks (0: enough to cover n, capped).
struct LaunchShape {
  unsigned block = 256;
  unsigned grid = 0;
};

// out[i] = a[i] + b[i], i < n. Kernel: add_f32_grid_stride.
void add_f32(const float* a, const float* b, float* out, std::int64_t n, LaunchShape shape = {});
// out[i] = a[i] * b[i]. Kernel: mul_f32_kernel.
void mul_f32(const float* a, const float* b, float* out, std::int64_t n, LaunchShape shape = {});
// Backward of mul, for f = sum(g * a * b): ga = g * b, gb = g * a (either may be null). Assigns.
// Kernel: mul_backward_f32_kernel.
void mul_backward_f32(const float* g, const float* a, const float* b, float* ga, float* gb, std::int64_t n,
                      LaunchShape shape = {});
// out[i] = alpha * x[i] (also the backward of scale, with alpha the same). Kernel: scale_f32_kernel.
void scale_f32(const float* x, float alpha, float* out, std::int64_t n, LaunchShape shape = {});

// The activations the models use, with kernels/reference/elementwise_math.h's definitions (gelu is the
// erf form; leaky_relu's slope is `alpha`; derivatives at the kinks follow PyTorch: relu'(0) = 0,
// relu6'(0) = relu6'(6) = 0).
enum class Activation { relu, relu6, leaky_relu, sigmoid, tanh, silu, gelu, hardswish };
constexpr Activation kActivations[] = {Activation::relu, Activation::relu6, Activation::leaky_relu,
                                       Activation::sigmoid, Activation::tanh, Activation::silu,
                                       Activation::gelu, Activation::hardswish};
const char* activation_name(Activation a);

// y[i] = f(x[i]). Kernel: activation_forward_kernel<F> (F = Relu, Relu6, LeakyRelu, Sigmoid, Tanh, Silu,
// Gelu, Hardswish).
void activation_forward(Activation a, const float* x, float* y, std::int64_t n, float alpha = 0.01f,
                        LaunchShape shape = {});
// Backward contract: gx[i] = gy[i] * f'(x[i]), given x and the forward output y. Assigns gx.
// Kernel: activation_backward_kernel<F>.
void activation_backward(Activation a, const float* x, const float* y, const float* gy, float* gx, std::int64_t n,
                         float alpha = 0.01f, LaunchShape shape = {});

// One fused Adam/AdamW step over n parameters, nn/adam.cpp's formula (PyTorch's rules):
//   AdamW: w *= 1 - lr·wd;  Adam: g += wd·w;  then m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;
//   w -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε).
// `step` is t, counted from 1. Updates w, m and v in place. Kernel: adam_step_kernel.
struct AdamStep {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  long long step = 1;
  bool decoupled_weight_decay = true;  // true = AdamW
};
void adam_step(float* w, const float* g, float* m, float* v, std::int64_t n, const AdamStep& s,
               LaunchShape shape = {});

}  // namespace thorax::cuda
