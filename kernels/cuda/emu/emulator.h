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
// Stepping through a kernel in gdb (for educators). The emulated kernels, the emulator and test_cuda are
// always compiled with -g, so gdb finds kernel source lines and `print threadIdx` works in any build. For
// line-by-line stepping without optimized-out locals, configure once with THORAX_CUDA_EMU_DEBUG=ON (-O0 for
// those targets only; the rest of thorax stays Release):
//   cmake -S . -B build -DTHORAX_CUDA_EMU_DEBUG=ON && cmake --build build -j2 --target test_cuda
//   gdb --args build/tests/test_cuda -tc="*reduce_sum*"
//   (gdb) break reduce_sum_shared_kernel if threadIdx.x == 3 && blockIdx.x == 1
//   (gdb) run                              # stops in CUDA thread 3 of block 1: a kernel is a C++ function
//   (gdb) print threadIdx                  # {x = 3, y = 0, z = 0}; also blockIdx, blockDim, gridDim
//   (gdb) next                             # step the kernel's lines as this CUDA thread
//   (gdb) print sdata[0]@blockDim.x        # shared memory is plain memory: NaN where no thread wrote yet
//   (gdb) info threads                     # each CUDA thread is an OS thread named "cuda <linear index>"
//   (gdb) thread find ^cuda 5$             # "Thread 263 has target name 'cuda 5'": gdb's numbers differ
//   (gdb) thread 263                       # switch to CUDA thread 5 of the same block
//   (gdb) print threadIdx                  # {x = 5, ...}: thread-local, so per thread
//   (gdb) frame function reduce_sum_shared_kernel   # up from its wait to its kernel frame; print tid
// Under the forward/reverse/shuffle schedules one CUDA thread runs at a time, in schedule order, and the
// others wait (in a futex) for their turn: a thread that has not started this block yet has no kernel frame.
// `next` over a __syncthreads lets the other threads run up to the barrier before this one continues, so
// after it every thread of the block has a kernel frame. The shuffle schedule's seed (set_schedule)
// replays the same interleaving, so a wrong answer can be stepped through again. (Checked with gdb 13 in
// batch mode: gdb -batch -x commands.gdb --args build/tests/test_cuda -tc="*reduce_sum*".)
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
