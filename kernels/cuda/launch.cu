// Launch counters and launch descriptions shared by the GPU and the emulated builds (see launch.h).
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

void count_launch(const char* name) {
  std::lock_guard<std::mutex> lock(counts_mutex());
  ++counts()[name];
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
