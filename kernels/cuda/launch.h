// launch(): the one way thorax starts a CUDA kernel, on a GPU or in the emulator. No raw <<<>>> elsewhere.
//
//   launch(THORAX_KERNEL(add_f32_grid_stride), grid, block, shared_bytes, a, b, out, n);
//
// On a GPU (nvcc build) it is `kernel<<<grid, block, shared_bytes, current_stream()>>>(args...)` followed by
// a check of cudaGetLastError() that throws a sentence naming the kernel and its launch configuration (and,
// with THORAX_CUDA_SYNC=1 in the environment, a synchronize after every launch, so that an error inside the
// kernel — an illegal address — is reported against that kernel rather than at some later call). In the emulated
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

#include "kernels/cuda/stream.h"  // current_stream()
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

// The configuration of the last kernel the calling thread launched (describe_launch), "" before its first.
// A kernel's failure usually surfaces later, at a synchronize or a copy; those errors name this launch.
std::string last_launch_description();
// The sentence thrown for a CUDA error: "CUDA error in <what> (the last kernel this thread launched:
// <launch>): <error>", where `what` is "launch of ...", "cudaStreamSynchronize" or similar; the parenthesis is
// left out when `what` names that launch already, or when this thread has launched nothing.
std::string cuda_error_message(const std::string& what, const std::string& error);

#if !defined(THORAX_CUDA_EMU)
// After a launch on `stream`: throws cuda_error_message(...) when cudaGetLastError() reports a failure, and,
// when THORAX_CUDA_SYNC=1, synchronizes the stream and throws if the kernel itself failed (launch.cu).
void check_launch(const char* name, Dim3 grid, Dim3 block, std::size_t shared_bytes, cudaStream_t stream);
#endif

template <class... P, class... A>
void launch(KernelRef<P...> kernel, Dim3 grid, Dim3 block, std::size_t shared_bytes, A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "launch: wrong number of kernel arguments");
  count_launch(kernel.name, grid, block, shared_bytes);
#if defined(THORAX_CUDA_EMU)
  // Arguments are copied once, as a GPU launch copies them into the parameter buffer.
  std::tuple<P...> params(static_cast<P>(std::forward<A>(args))...);
  emu::run_grid(kernel.name, grid, block, shared_bytes, [&] { std::apply(kernel.fn, params); });
#else
  cudaStream_t stream = current_stream();
  kernel.fn<<<grid, block, shared_bytes, stream>>>(static_cast<P>(std::forward<A>(args))...);
  check_launch(kernel.name, grid, block, shared_bytes, stream);
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
