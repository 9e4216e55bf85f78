#include "tests/support/coverage.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <unistd.h>

namespace thorax::testing {

namespace {

struct Log {
  std::mutex m;
  std::set<std::string> lines;
  ~Log() {
    const char* dir = std::getenv("THORAX_COVERAGE_DIR");
    if (!dir || lines.empty()) return;
    std::ofstream f(std::string(dir) + "/" + program_invocation_short_name + "-" + std::to_string(::getpid()) + ".txt");
    for (const auto& l : lines) f << l << "\n";
  }
};

Log& log() {
  static Log l;
  return l;
}

}  // namespace

void record(const std::string& kind, const std::string& op, const std::string& version) {
  Log& l = log();
  std::lock_guard<std::mutex> lock(l.m);
  l.lines.insert(kind + " " + op + " " + version);
}

}  // namespace thorax::testing
