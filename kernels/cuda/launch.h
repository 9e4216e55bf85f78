// launch(): the one way thorax starts a CUDA kernel, on a GPU or in the emulator. No raw <<<>>> elsewhere.
//
//   launch(THORAX_KERNEL(add_f32_grid_stride), grid, block, shared_bytes, a, b, out, n);
//
// On a GPU (nvcc build) it is `kernel<<<grid, block, shared_bytes>>>(args...)` followed by a check of
// cudaGetLastError() that throws a sentence naming the kernel and its launch configuration. In the emulated
// build (THORAX_CUDA_EMU, see emu/emulator.h) it runs the grid on CPU threads, synchronously, and throws the
// same sentence for a configuration a GPU would reject. Both count the launches of every kernel by name, so
// tests can prove each kernel was run.
#pragma once
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#if defined(THORAX_CUDA_EMU)
#include "kernels/cuda/emu/emulator.h"
#else
#include <cuda_runtime.h>
// The emulated build defines this in emu/cuda_shim.h. One byte array serves every kernel of a file.
#define THORAX_DYNAMIC_SHARED(T, name)                                \
  extern __shared__ __align__(16) unsigned char thorax_dynamic_smem[]; \
  T* name = reinterpret_cast<T*>(thorax_dynamic_smem)
#endif

namespace thorax::cuda {

#if defined(THORAX_CUDA_EMU)
using Dim3 = emu::dim3;
#else
using Dim3 = ::dim3;
#endif

// A kernel and its name as written in the source (THORAX_KERNEL(sgemm_tiled<16>) -> "sgemm_tiled<16>").
template <class... P>
struct KernelRef {
  void (*fn)(P...);
  const char* name;
};
template <class... P>
KernelRef<P...> kernel_ref(void (*fn)(P...), const char* name) {
  return {fn, name};
}
#define THORAX_KERNEL(...) ::thorax::cuda::kernel_ref(__VA_ARGS__, #__VA_ARGS__)

// "add_f32_grid_stride<<<(4,1,1), (96,1,1), 0>>>": how errors name a launch.
std::string describe_launch(const char* name, Dim3 grid, Dim3 block, std::size_t shared_bytes);

// Launch counters, by kernel name, and a log of every launch's configuration (launch.cu). Thread-safe.
// Tests read the log to prove which kernels ran, under which block shapes (tests/cuda/check.h); only the
// emulated build keeps the log (on a GPU it stays empty).
struct LaunchRecord {
  std::string kernel;
  Dim3 grid, block;
  std::size_t shared_bytes = 0;
};
void count_launch(const char* name, Dim3 grid, Dim3 block, std::size_t shared_bytes);
long launch_count(const std::string& name);
std::map<std::string, long> launch_counts();
std::size_t launch_log_size();
std::vector<LaunchRecord> launch_log_since(std::size_t first);

template <class... P, class... A>
void launch(KernelRef<P...> kernel, Dim3 grid, Dim3 block, std::size_t shared_bytes, A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "launch: wrong number of kernel arguments");
  count_launch(kernel.name, grid, block, shared_bytes);
#if defined(THORAX_CUDA_EMU)
  // Arguments are copied once, as a GPU launch copies them into the parameter buffer.
  std::tuple<P...> params(static_cast<P>(std::forward<A>(args))...);
  emu::run_grid(kernel.name, grid, block, shared_bytes, [&] { std::apply(kernel.fn, params); });
#else
  kernel.fn<<<grid, block, shared_bytes>>>(static_cast<P>(std::forward<A>(args))...);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess)
    throw std::runtime_error("CUDA launch " + describe_launch(kernel.name, grid, block, shared_bytes) +
                             " failed: " + cudaGetErrorString(err));
#endif
}

// Blocks needed to cover n items with `block` threads each, capped at `max_blocks` (grid-stride loops
// cover the rest). Never 0, so an empty input still makes a valid launch.
inline unsigned blocks_for(long long n, unsigned block, unsigned max_blocks = 65535) {
  long long b = (n + block - 1) / block;
  if (b < 1) b = 1;
  if (b > max_blocks) b = max_blocks;
  return static_cast<unsigned>(b);
}

}  // namespace thorax::cuda
