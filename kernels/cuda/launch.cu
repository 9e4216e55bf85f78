// Launch counters, launch descriptions and launch error messages shared by the GPU and the emulated builds
// (see launch.h); check_launch, for the GPU build only, at the end.
#include <cstdlib>
#include <mutex>

#include "kernels/cuda/launch.h"

namespace thorax::cuda {

namespace {
std::mutex& counts_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, long>& counts() {
  static std::map<std::string, long> c;
  return c;
}
std::vector<LaunchRecord>& launch_log() {
  static std::vector<LaunchRecord> l;
  return l;
}
// Per thread, as streams are: the launch that an error found at this thread's next synchronize belongs to.
thread_local std::string last_launch;
}  // namespace

std::string describe_launch(const char* name, Dim3 grid, Dim3 block, std::size_t shared_bytes) {
  // Built by appending: g++ 12 warns (-Wrestrict, a false positive) on chains of "literal" + std::string.
  std::string out(name);
  auto add = [&out](Dim3 v) {
    out += '(';
    out += std::to_string(v.x);
    out += ',';
    out += std::to_string(v.y);
    out += ',';
    out += std::to_string(v.z);
    out += ')';
  };
  out += "<<<";
  add(grid);
  out += ", ";
  add(block);
  out += ", ";
  out += std::to_string(shared_bytes);
  out += ">>>";
  return out;
}

void count_launch(const char* name, Dim3 grid, Dim3 block, std::size_t shared_bytes) {
  last_launch = describe_launch(name, grid, block, shared_bytes);
  std::lock_guard<std::mutex> lock(counts_mutex());
  ++counts()[name];
#if defined(THORAX_CUDA_EMU)
  // Only the emulator keeps the log: tests read it, and a GPU training run would grow it without bound.
  launch_log().push_back({name, grid, block, shared_bytes});
#else
  (void)grid, (void)block, (void)shared_bytes;
#endif
}

long launch_count(const std::string& name) {
  std::lock_guard<std::mutex> lock(counts_mutex());
  auto it = counts().find(name);
  return it == counts().end() ? 0 : it->second;
}

std::map<std::string, long> launch_counts() {
  std::lock_guard<std::mutex> lock(counts_mutex());
  return counts();
}

}  // namespace thorax::cuda

namespace thorax::cuda {

std::size_t launch_log_size() {
  std::lock_guard<std::mutex> lock(counts_mutex());
  return launch_log().size();
}

std::vector<LaunchRecord> launch_log_since(std::size_t first) {
  std::lock_guard<std::mutex> lock(counts_mutex());
  if (first >= launch_log().size()) return {};
  return std::vector<LaunchRecord>(launch_log().begin() + static_cast<std::ptrdiff_t>(first), launch_log().end());
}

}  // namespace thorax::cuda

namespace thorax::cuda {

std::string last_launch_description() { return last_launch; }

std::string cuda_error_message(const std::string& what, const std::string& error) {
  std::string out = "CUDA error in " + what;
  // A failed launch names itself in `what`; anything else names the launch the error most likely belongs to.
  if (!last_launch.empty() && what.find(last_launch) == std::string::npos) {
    out += " (the last kernel this thread launched: ";
    out += last_launch;
    out += ')';
  }
  out += ": ";
  out += error;
  return out;
}

#if !defined(THORAX_CUDA_EMU)
void check_launch(const char* name, Dim3 grid, Dim3 block, std::size_t shared_bytes, cudaStream_t stream) {
  const std::string config = describe_launch(name, grid, block, shared_bytes);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) throw std::runtime_error(cuda_error_message("launch of " + config, cudaGetErrorString(err)));
  // Read once: THORAX_CUDA_SYNC=1 is a debugging switch for a whole run, as CUDA_LAUNCH_BLOCKING is.
  static const bool sync_each = [] {
    const char* v = std::getenv("THORAX_CUDA_SYNC");
    return v != nullptr && std::string(v) == "1";
  }();
  if (!sync_each) return;
  err = cudaStreamSynchronize(stream);
  if (err != cudaSuccess)
    throw std::runtime_error(
        cuda_error_message("kernel " + config + " (THORAX_CUDA_SYNC=1 synchronized after it)", cudaGetErrorString(err)));
}
#endif

}  // namespace thorax::cuda
