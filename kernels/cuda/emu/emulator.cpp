// The CUDA emulator's scheduler: one OS thread per CUDA thread, blocks one at a time (see emulator.h).
#include "kernels/cuda/emu/emulator.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#endif

#include "kernels/cuda/launch.h"

thread_local thorax::cuda::emu::uint3 threadIdx;
thread_local thorax::cuda::emu::uint3 blockIdx;
thread_local thorax::cuda::emu::dim3 blockDim;
thread_local thorax::cuda::emu::dim3 gridDim;

namespace thorax::cuda::emu {

namespace {

constexpr int kWarp = 32;

// The schedule only changes between launches (set from the host thread that launches).
Schedule g_schedule = Schedule::forward;
// Launches from several host threads run one after the other: kernel-scope __shared__ arrays are function
// statics, correct only while one block of one launch runs at a time.
std::mutex g_launch_mutex;
std::uint64_t g_seed = 1;

// Thrown inside an emulated thread to unwind it when its block has failed (deadlock, exception).
struct BlockAborted {};

// The threads of one running block and the barriers between them. Under the ordered schedules exactly one
// thread runs at a time (`running`); under `concurrent` all run and barriers are plain generation barriers.
class Block {
 public:
  Block(int n, Schedule schedule, std::mt19937_64& rng)
      : n_(n), ordered_(schedule != Schedule::concurrent), schedule_(schedule), rng_(rng),
        turn_cv_(new std::condition_variable[n]) {
    int warps = (n + kWarp - 1) / kWarp;
    state_.assign(n, State::runnable);
    warp_waiting_.assign(warps, 0);
    warp_done_.assign(warps, 0);
    warp_gen_.assign(warps, 0);
    warp_buf_.assign(warps, {});
    warp_live_.assign(warps, 0);
    if (ordered_) {
      std::vector<int> all(n);
      for (int i = 0; i < n; ++i) all[i] = i;
      enqueue(all);
      running_ = runq_.front();
      runq_.pop_front();
    }
  }

  // Called by each emulated thread before running the kernel body.
  void start(int tid) {
    std::unique_lock<std::mutex> lock(m_);
    wait_turn(lock, tid);
  }

  void finish(int tid) {
    std::unique_lock<std::mutex> lock(m_);
    state_[tid] = State::done;
    ++done_;
    ++warp_done_[tid / kWarp];
    bool opened = release_ready();
    if (ordered_) {
      dispatch();
    } else {
      if (opened) cv_.notify_all();
      if (!failed_) check_deadlock();
    }
  }

  void fail(const std::string& why) {
    std::unique_lock<std::mutex> lock(m_);
    if (!failed_) error_ = why;
    failed_ = true;
    wake_all();
  }

  void block_barrier(int tid) {
    std::unique_lock<std::mutex> lock(m_);
    state_[tid] = State::at_block;
    ++block_waiting_;
    std::uint64_t gen = block_gen_;
    release_ready();
    arrive_and_wait(lock, tid, [&] { return block_gen_ != gen; });
  }

  std::uint64_t warp_exchange(int tid, std::uint64_t value, int src_lane) {
    int w = tid / kWarp;
    {
      std::lock_guard<std::mutex> lock(m_);
      warp_buf_[w][tid % kWarp] = value;
    }
    warp_barrier(tid);
    std::uint64_t out = value;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (src_lane >= 0 && src_lane < kWarp && (warp_live_[w] >> src_lane & 1u)) out = warp_buf_[w][src_lane];
    }
    warp_barrier(tid);  // nobody overwrites the buffer before every lane has read it
    return out;
  }

  unsigned warp_ballot(int tid, bool pred) {
    int w = tid / kWarp;
    {
      std::lock_guard<std::mutex> lock(m_);
      warp_buf_[w][tid % kWarp] = pred ? 1 : 0;
    }
    warp_barrier(tid);
    unsigned mask = 0;
    {
      std::lock_guard<std::mutex> lock(m_);
      for (int l = 0; l < kWarp; ++l)
        if ((warp_live_[w] >> l & 1u) && warp_buf_[w][l]) mask |= 1u << l;
    }
    warp_barrier(tid);
    return mask;
  }

  void warp_barrier(int tid) {
    std::unique_lock<std::mutex> lock(m_);
    int w = tid / kWarp;
    state_[tid] = State::at_warp;
    ++warp_waiting_[w];
    std::uint64_t gen = warp_gen_[w];
    release_ready();
    arrive_and_wait(lock, tid, [&] { return warp_gen_[w] != gen; });
  }

  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

 private:
  enum class State { runnable, at_block, at_warp, done };

  int lanes(int w) const { return std::min(kWarp, n_ - w * kWarp); }

  // Appends threads to the run queue in the schedule's order.
  void enqueue(std::vector<int> ids) {
    if (schedule_ == Schedule::reverse) std::reverse(ids.begin(), ids.end());
    if (schedule_ == Schedule::shuffle) std::shuffle(ids.begin(), ids.end(), rng_);
    for (int id : ids) runq_.push_back(id);
  }

  // Opens every barrier whose live threads have all arrived (threads that returned count as arrived);
  // true when one opened.
  bool release_ready() {
    bool opened = false;
    if (block_waiting_ > 0 && block_waiting_ + done_ == n_) {
      std::vector<int> ids;
      for (int t = 0; t < n_; ++t)
        if (state_[t] == State::at_block) {
          state_[t] = State::runnable;
          ids.push_back(t);
        }
      block_waiting_ = 0;
      ++block_gen_;
      opened = true;
      if (ordered_) enqueue(ids);
    }
    for (int w = 0; w < static_cast<int>(warp_waiting_.size()); ++w) {
      if (warp_waiting_[w] == 0 || warp_waiting_[w] + warp_done_[w] != lanes(w)) continue;
      std::vector<int> ids;
      unsigned live = 0;
      for (int t = w * kWarp; t < w * kWarp + lanes(w); ++t)
        if (state_[t] == State::at_warp) {
          state_[t] = State::runnable;
          ids.push_back(t);
          live |= 1u << (t % kWarp);
        }
      warp_live_[w] = live;
      warp_waiting_[w] = 0;
      ++warp_gen_[w];
      opened = true;
      if (ordered_) enqueue(ids);
    }
    return opened;
  }

  // Ordered schedules: hand the turn to the next runnable thread, or detect that none can ever run.
  // Only the chosen thread is woken: waking all n threads at every turn would cost O(n^2) per barrier.
  void dispatch() {
    if (!runq_.empty()) {
      running_ = runq_.front();
      runq_.pop_front();
      turn_cv_[running_].notify_one();
    } else {
      running_ = -1;
      if (done_ != n_) deadlock();
    }
  }

  void wake_all() {
    cv_.notify_all();
    if (ordered_)
      for (int t = 0; t < n_; ++t) turn_cv_[t].notify_one();
  }

  // Concurrent schedule: every live thread waits at a barrier that cannot open.
  void check_deadlock() {
    int waiting = block_waiting_;
    for (int c : warp_waiting_) waiting += c;
    if (waiting > 0 && waiting + done_ == n_) deadlock();
  }

  void deadlock() {
    if (!failed_)
      error_ =
          "a barrier can never complete: some threads wait at __syncthreads while others wait at a warp "
          "operation (a barrier inside a branch not every thread takes)";
    failed_ = true;
    wake_all();
  }

  template <class Opened>
  void arrive_and_wait(std::unique_lock<std::mutex>& lock, int tid, Opened opened) {
    if (ordered_) {
      dispatch();
      wait_turn(lock, tid);
    } else {
      if (opened())
        cv_.notify_all();
      else
        check_deadlock();
      cv_.wait(lock, [&] { return opened() || failed_; });
      if (failed_ && !opened()) throw BlockAborted{};
    }
  }

  void wait_turn(std::unique_lock<std::mutex>& lock, int tid) {
    if (!ordered_) return;
    turn_cv_[tid].wait(lock, [&] { return running_ == tid || failed_; });
    if (failed_) throw BlockAborted{};
  }

  std::mutex m_;
  std::condition_variable cv_;  // concurrent schedule: barrier opened
  const int n_;
  const bool ordered_;
  const Schedule schedule_;
  std::mt19937_64& rng_;
  std::vector<State> state_;
  std::deque<int> runq_;
  int running_ = -1;
  int done_ = 0;
  int block_waiting_ = 0;
  std::uint64_t block_gen_ = 0;
  std::vector<int> warp_waiting_, warp_done_;
  std::vector<std::uint64_t> warp_gen_;
  std::vector<std::array<std::uint64_t, kWarp>> warp_buf_;
  std::vector<unsigned> warp_live_;  // lanes that took part in the warp's last exchange
  bool failed_ = false;
  std::string error_;
  std::unique_ptr<std::condition_variable[]> turn_cv_;  // ordered schedules: thread t's turn came
};

thread_local Block* t_block = nullptr;
thread_local int t_tid = 0;
unsigned char* g_dynamic_shared = nullptr;  // the running launch's buffer

Block& current_block() {
  if (!t_block) {
    std::fputs("thorax CUDA emulator: a device function was called outside a kernel launch\n", stderr);
    std::abort();
  }
  return *t_block;
}

}  // namespace

std::string schedule_name(Schedule s) {
  switch (s) {
    case Schedule::forward: return "forward";
    case Schedule::reverse: return "reverse";
    case Schedule::shuffle: return "shuffle";
    case Schedule::concurrent: return "concurrent";
  }
  return "?";
}

void set_schedule(Schedule s, std::uint64_t seed) {
  g_schedule = s;
  g_seed = seed;
}
Schedule schedule() { return g_schedule; }

ScopedSchedule::ScopedSchedule(Schedule s, std::uint64_t seed) : prev_(g_schedule), prev_seed_(g_seed) {
  set_schedule(s, seed);
}
ScopedSchedule::~ScopedSchedule() { set_schedule(prev_, prev_seed_); }

void run_grid(const char* name, dim3 grid, dim3 block, std::size_t shared_bytes, const std::function<void()>& body) {
  auto reject = [&](const std::string& why) {
    throw std::runtime_error("CUDA launch " + describe_launch(name, grid, block, shared_bytes) +
                             " is invalid: " + why);
  };
  unsigned long long threads = 1ull * block.x * block.y * block.z;
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || threads == 0) reject("a grid or block dimension is 0");
  if (block.x > 1024 || block.y > 1024 || block.z > 64 || threads > 1024)
    reject("a block holds at most 1024 threads (x, y <= 1024, z <= 64)");
  if (grid.x > 2147483647u || grid.y > 65535 || grid.z > 65535) reject("grid too large");
  if (shared_bytes > 48 * 1024) reject("more than 48 KiB of dynamic shared memory");

  std::lock_guard<std::mutex> one_launch_at_a_time(g_launch_mutex);
  const int n = static_cast<int>(threads);
  std::vector<unsigned char> shared((shared_bytes + 15) / 16 * 16);
  g_dynamic_shared = shared.data();
  std::mt19937_64 rng(g_seed);

  // One OS thread per CUDA thread of a block, reused by every block of the grid: the launcher publishes a
  // block, the threads run it, the last one to finish wakes the launcher.
  std::mutex m;
  std::condition_variable start_cv, done_cv;
  Block* current = nullptr;
  uint3 current_idx;
  std::uint64_t generation = 0;
  int finished = 0;
  bool stop = false;
  auto worker = [&](int t) {
#if defined(__linux__)
    // Named after its linear CUDA thread index, so gdb's `info threads` reads "cuda 5" and
    // `thread find ^cuda 5$` gives its gdb number (emulator.h, "Stepping through a kernel in gdb").
    char thread_name[16];
    std::snprintf(thread_name, sizeof thread_name, "cuda %d", t);
    pthread_setname_np(pthread_self(), thread_name);
#endif
    threadIdx = {t % block.x, t / block.x % block.y, t / (block.x * block.y)};
    blockDim = block;
    gridDim = grid;
    t_tid = t;
    std::uint64_t seen = 0;
    for (;;) {
      Block* blk;
      {
        std::unique_lock<std::mutex> lock(m);
        start_cv.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
        blk = current;
        blockIdx = current_idx;
      }
      t_block = blk;
      try {
        blk->start(t);
        body();
        blk->finish(t);
      } catch (const BlockAborted&) {
      } catch (const std::exception& e) {
        blk->fail(e.what());
      } catch (...) {
        blk->fail("unknown exception");
      }
      t_block = nullptr;
      std::lock_guard<std::mutex> lock(m);
      if (++finished == n) done_cv.notify_one();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(n);
  for (int t = 0; t < n; ++t) workers.emplace_back(worker, t);
  auto stop_workers = [&] {
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    start_cv.notify_all();
    for (auto& w : workers) w.join();
    g_dynamic_shared = nullptr;
  };

  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        // NaN bytes: a read of a slot no thread of this block wrote gives NaN, not a plausible stale value.
        if (!shared.empty()) std::memset(shared.data(), 0xFF, shared.size());  // data() is null when empty
        Block blk(n, g_schedule, rng);
        {
          std::unique_lock<std::mutex> lock(m);
          current = &blk;
          current_idx = {bx, by, bz};
          finished = 0;
          ++generation;
          start_cv.notify_all();
          done_cv.wait(lock, [&] { return finished == n; });
        }
        if (blk.failed()) {
          stop_workers();
          throw std::runtime_error("CUDA launch " + describe_launch(name, grid, block, shared_bytes) +
                                   " failed in block (" + std::to_string(bx) + "," + std::to_string(by) + "," +
                                   std::to_string(bz) + "): " + blk.error());
        }
      }
  stop_workers();
}

void sync_block() { current_block().block_barrier(t_tid); }
void sync_warp() { current_block().warp_barrier(t_tid); }
void* dynamic_shared() { return g_dynamic_shared; }
std::uint64_t warp_exchange(std::uint64_t value, int src_lane) {
  return current_block().warp_exchange(t_tid, value, src_lane);
}
unsigned warp_ballot(bool predicate) { return current_block().warp_ballot(t_tid, predicate); }
unsigned lane_id() { return static_cast<unsigned>(t_tid % kWarp); }

}  // namespace thorax::cuda::emu
