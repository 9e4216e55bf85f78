// The coverage meta-test: runs last and fails unless, in this very run, every kernel version in the
// registry was compared with its reference, and every differentiable op passed a gradient check and a
// PyTorch comparison.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "autograd/op_list.h"
#include "kernels/registry.h"

using namespace thorax;

TEST_CASE("coverage: every kernel version, every gradient check, every PyTorch comparison ran") {
  const char* dir = std::getenv("THORAX_COVERAGE_DIR");
  REQUIRE_MESSAGE(dir != nullptr, "THORAX_COVERAGE_DIR is not set (run through ctest)");
  std::set<std::string> seen;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) seen.insert(line);
  }
  std::vector<std::string> missing;
  int kernels = 0, aliases = 0;
  for (const auto& v : kernels::registry()) {
    if (!seen.count("ref " + v.op + " " + v.version)) missing.push_back("reference test of kernel " + v.op + "/" + v.version);
    ++kernels;
    aliases += !v.alias_of.empty();
  }
  for (const std::string& op : autograd::differentiable_ops()) {
    if (!seen.count("grad " + op + " -")) missing.push_back("gradient check of " + op);
    if (!seen.count("torch " + op + " -")) missing.push_back("PyTorch comparison of " + op);
  }
  MESSAGE(kernels << " kernel versions (" << aliases << " aliases), " << autograd::differentiable_ops().size()
                  << " differentiable ops");
  std::ostringstream ss;
  for (const auto& m : missing) ss << "\n  missing: " << m;
  INFO(ss.str());
  CHECK(missing.empty());
}
