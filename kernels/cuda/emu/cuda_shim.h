// Forced into every .cu file when it is compiled as host C++ for the emulator (g++ -include): turns the
// CUDA dialect into plain C++ whose device-side operations call into emu/emulator.cpp. See emu/emulator.h.
#pragma once
#include <math.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/cuda/emu/emulator.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)
// Kernel-scope __shared__ arrays become function statics: every thread of the block sees the same array,
// and blocks run one at a time, so one array per kernel is exactly one array per running block.
#define __shared__ static
#define __constant__ static

// `extern __shared__ T name[];` cannot be spelled in C++; kernels use this macro instead (see launch.h).
#define THORAX_DYNAMIC_SHARED(T, name) T* name = static_cast<T*>(::thorax::cuda::emu::dynamic_shared())

using dim3 = thorax::cuda::emu::dim3;
// CUDA's vector type for 16-byte loads (one LDG.128 on a GPU; four plain loads here).
struct alignas(16) float4 {
  float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
using uint3 = thorax::cuda::emu::uint3;
constexpr int warpSize = 32;

inline void __syncthreads() { thorax::cuda::emu::sync_block(); }
inline void __syncwarp(unsigned = 0xffffffffu) { thorax::cuda::emu::sync_warp(); }

namespace thorax::cuda::emu::detail {
template <class T>
T exchange(T var, int src_lane) {
  static_assert(sizeof(T) <= sizeof(std::uint64_t) && std::is_trivially_copyable_v<T>, "shuffle of a wide type");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &var, sizeof(T));
  bits = warp_exchange(bits, src_lane);
  T out;
  std::memcpy(&out, &bits, sizeof(T));
  return out;
}
}  // namespace thorax::cuda::emu::detail

// The mask argument is not checked: every live lane of the warp must take part, as on sm_70+ hardware
// when the mask is full. `width` splits the warp into segments as CUDA does.
template <class T>
T __shfl_sync(unsigned, T var, int src, int width = warpSize) {
  int lane = static_cast<int>(thorax::cuda::emu::lane_id());
  return thorax::cuda::emu::detail::exchange(var, (lane & ~(width - 1)) + (src & (width - 1)));
}
template <class T>
T __shfl_down_sync(unsigned, T var, unsigned delta, int width = warpSize) {
  int lane = static_cast<int>(thorax::cuda::emu::lane_id());
  int d = static_cast<int>(delta);
  return thorax::cuda::emu::detail::exchange(var, (lane & (width - 1)) + d >= width ? -1 : lane + d);
}
template <class T>
T __shfl_up_sync(unsigned, T var, unsigned delta, int width = warpSize) {
  int lane = static_cast<int>(thorax::cuda::emu::lane_id());
  int d = static_cast<int>(delta);
  return thorax::cuda::emu::detail::exchange(var, (lane & (width - 1)) < d ? -1 : lane - d);
}
template <class T>
T __shfl_xor_sync(unsigned, T var, int lane_mask, int width = warpSize) {
  int lane = static_cast<int>(thorax::cuda::emu::lane_id());
  int src = lane ^ lane_mask;
  return thorax::cuda::emu::detail::exchange(var, src / width == lane / width ? src : -1);
}
inline unsigned __ballot_sync(unsigned, int pred) { return thorax::cuda::emu::warp_ballot(pred != 0); }
inline int __any_sync(unsigned, int pred) { return thorax::cuda::emu::warp_ballot(pred != 0) != 0; }
inline int __all_sync(unsigned, int pred) {
  return thorax::cuda::emu::warp_ballot(pred == 0) == 0;  // no live lane offered false
}

// Atomics: std::atomic_ref on the plain memory; return the old value as CUDA does.
template <class T>
T atomicAdd(T* address, T val) {
  return std::atomic_ref<T>(*address).fetch_add(val);
}
template <class T>
T atomicSub(T* address, T val) {
  return std::atomic_ref<T>(*address).fetch_sub(val);
}
template <class T>
T atomicExch(T* address, T val) {
  return std::atomic_ref<T>(*address).exchange(val);
}
template <class T>
T atomicCAS(T* address, T compare, T val) {
  std::atomic_ref<T>(*address).compare_exchange_strong(compare, val);
  return compare;  // the old value, whether or not the exchange happened
}
template <class T>
T atomicMax(T* address, T val) {
  std::atomic_ref<T> a(*address);
  T old = a.load();
  while (old < val && !a.compare_exchange_weak(old, val)) {
  }
  return old;
}
template <class T>
T atomicMin(T* address, T val) {
  std::atomic_ref<T> a(*address);
  T old = a.load();
  while (val < old && !a.compare_exchange_weak(old, val)) {
  }
  return old;
}

// Device intrinsics and the overloads CUDA's math headers give device code.
template <class T>
T __ldg(const T* p) {
  return *p;
}
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a < b ? b : a; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a < b ? b : a; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a < b ? b : a; }
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }
