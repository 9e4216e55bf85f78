// The CUDA emulator: runs the kernels of kernels/cuda/*.cu on the CPU, without a GPU, to prove them right.
//
// How it works (DESIGN.md, "The CUDA emulator, in one paragraph"). The .cu files are compiled a second time
// as plain C++ with emu/cuda_shim.h forced in (-include). launch() (kernels/cuda/launch.h) runs the grid one
// block at a time; the threads of a block are real OS threads (std::thread), one per CUDA thread, created at
// the start of the launch and reused by each block in turn, so every CUDA thread has its own stack, its own
// threadIdx, and shows up in a debugger. The threads of a block take
// turns: one runs at a time, until it reaches a barrier (__syncthreads, a warp shuffle) or returns; then the
// next runnable thread in the schedule's order runs. A barrier releases its threads, in schedule order, once
// every live thread of the block (or of the warp) has arrived. This makes a run reproducible — the same
// schedule gives the same interleaving, bit for bit — and makes a missing __syncthreads visible: with the
// barrier gone, one thread reads shared memory before the thread that should have written it has run.
//
// Schedules (set_schedule / ScopedSchedule): forward (thread 0 first), reverse (last thread first), shuffle
// (a fresh seeded permutation at every release), and concurrent (no turns: all threads run at once on the
// cores, barriers are plain condition-variable barriers; the timing, and so any race, is the OS's choice).
// A race-free kernel gives the same answer under all of them; run a new kernel under at least forward,
// reverse and shuffle.
//
// What is emulated: threadIdx/blockIdx/blockDim/gridDim, __syncthreads, static __shared__ arrays (function
// statics: correct because blocks run one at a time), dynamic shared memory (one buffer per launch, filled
// with NaN bytes before every block so reading a slot nobody wrote shows up), __shfl_sync/__shfl_down_sync/
// __shfl_xor_sync/__shfl_up_sync (a per-warp exchange buffer between two warp barriers), __ballot_sync/
// __any_sync/__all_sync, atomicAdd/atomicMax/atomicMin/atomicExch/atomicCAS (std::atomic_ref), and the math
// functions of <cmath>. Not emulated: tensor cores (wmma/mma), cooperative groups, streams (launches are
// synchronous; launches from several host threads run one after the other), warp-synchronous code without
// a *_sync intrinsic (the 32 lanes do not run in lock step).
// Threads that have returned count as arrived at every barrier (as on sm_70+). A barrier that can never
// complete (some threads wait at __syncthreads while others wait at a warp operation) is reported as an
// exception from launch() naming the kernel and the block, not a hang.
//
// Stepping through a kernel in gdb (for educators). Build the tests with debug info
// (cmake -S . -B build-debug -DCMAKE_BUILD_TYPE=Debug && cmake --build build-debug -j2 --target test_cuda),
// then:
//   gdb --args build-debug/tests/test_cuda -tc="*reduce_sum*"
//   (gdb) break reduce_sum_shared_kernel          # the __global__ function is a plain C++ function here
//   (gdb) run
//   (gdb) print threadIdx                         # {x = 0, y = 0, z = 0}: the CUDA thread gdb stopped in
//   (gdb) print blockIdx                          # the running block (blocks run one at a time)
//   (gdb) print blockDim
//   (gdb) info threads                            # gdb thread 1 is the host; 2, 3, ... are CUDA threads
//   (gdb) thread 3                                # switch to another CUDA thread of the block (parked in a
//   (gdb) print threadIdx                         #   futex wait until its turn) and see its own index
//   (gdb) next / step / print sdata[0]@blockDim.x # shared memory is ordinary memory
//   (gdb) break reduce_sum_shared_kernel if threadIdx.x == 3 && blockIdx.x == 1
// Under the forward/reverse/shuffle schedules only one CUDA thread runs at a time: `next` in one thread
// stops at a __syncthreads until the others have reached it, so `continue` (or a breakpoint on the line
// after the barrier) to let them. The shuffle schedule's seed (set_schedule) replays the same order.
// A Release build also stops at `break reduce_sum_shared_kernel`, but has no types for `print threadIdx`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace thorax::cuda::emu {

struct uint3 {
  unsigned x = 0, y = 0, z = 0;
};

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

enum class Schedule { forward, reverse, shuffle, concurrent };
std::string schedule_name(Schedule s);

// The schedule used by the next launches (default: forward; seed used by shuffle).
void set_schedule(Schedule s, std::uint64_t seed = 1);
Schedule schedule();

// Sets a schedule for the lifetime of the object, then restores the previous one.
class ScopedSchedule {
 public:
  explicit ScopedSchedule(Schedule s, std::uint64_t seed = 1);
  ~ScopedSchedule();
  ScopedSchedule(const ScopedSchedule&) = delete;
  ScopedSchedule& operator=(const ScopedSchedule&) = delete;

 private:
  Schedule prev_;
  std::uint64_t prev_seed_;
};

// Runs body once per CUDA thread of the grid (called by launch(); `name` and the configuration are for
// error messages). Throws std::runtime_error for an invalid configuration or a barrier that cannot complete.
void run_grid(const char* name, dim3 grid, dim3 block, std::size_t shared_bytes, const std::function<void()>& body);

// Device-side primitives behind the shim's intrinsics.
void sync_block();     // __syncthreads
void sync_warp();      // __syncwarp
void* dynamic_shared();  // the extern __shared__ buffer of this launch
// Every live lane of the calling thread's warp offers `value` and receives the value offered by src_lane,
// or its own value when src_lane is outside [0, 32) or is not a live lane (the core of every shuffle).
std::uint64_t warp_exchange(std::uint64_t value, int src_lane);
unsigned warp_ballot(bool predicate);  // bit i set when live lane i offered true
unsigned lane_id();                    // this thread's lane within its warp (linear thread index % 32)

}  // namespace thorax::cuda::emu

// The built-in variables of a CUDA thread, set by the launcher for each emulated thread.
extern thread_local thorax::cuda::emu::uint3 threadIdx;
extern thread_local thorax::cuda::emu::uint3 blockIdx;
extern thread_local thorax::cuda::emu::dim3 blockDim;
extern thread_local thorax::cuda::emu::dim3 gridDim;
