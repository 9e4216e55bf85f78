// The registry meta-test (issue 9): every CUDA kernel of kernels/cuda is registered, was launched by the
// emulated tests of this program, matched a CPU reference there (inside a CheckScope, check.h), and did so
// under at least two block shapes per (op, version).
//
// It must run after every other test case of test_cuda: doctest's default order is by file name, then line,
// and this file's name sorts after emulator_test.cpp and kernels_*_test.cpp. Running it alone (or in a
// filtered or shuffled run) makes it fail, which is the point: it certifies a full run.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "kernels/cuda/launch.h"
#include "kernels/cuda/registry.h"
#include "tests/cuda/check.h"

namespace {

// "activation_forward_kernel<act::Relu>" -> "activation_forward_kernel".
std::string base_name(const std::string& kernel) { return kernel.substr(0, kernel.find('<')); }

// Kernels of tests/cuda/test_kernels.cu (race test and emulator probes): launched here, not registered.
bool is_test_kernel(const std::string& kernel) {
  return kernel.rfind("probe_", 0) == 0 || kernel == "reduce_sum_racy_kernel";
}

}  // namespace

TEST_CASE("cuda registry: every __global__ function in kernels/cuda/*.cu is registered") {
  std::set<std::string> registered;
  for (const auto& e : thorax::cuda::kernel_registry()) registered.insert(base_name(e.kernel));
  const std::regex global(R"(__global__\s+void\s+([A-Za-z_][A-Za-z_0-9]*)\s*\()");
  int files = 0, kernels = 0;
  for (const auto& entry : std::filesystem::directory_iterator(THORAX_CUDA_SOURCE_DIR)) {
    if (entry.path().extension() != ".cu") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string src = text.str();
    for (std::sregex_iterator it(src.begin(), src.end(), global), end; it != end; ++it) {
      ++kernels;
      CAPTURE(entry.path().filename().string());
      INFO("kernel " << (*it)[1].str() << " is not in kernels/cuda/registry.cpp");
      CHECK(registered.count((*it)[1].str()) == 1);
    }
  }
  MESSAGE(kernels << " __global__ functions in " << files << " .cu files");
  CHECK(files >= 4);
  CHECK(kernels >= static_cast<int>(registered.size()));
}

TEST_CASE("cuda registry: every registered kernel was launched and checked, under two block shapes per version") {
  // This test case certifies the whole run, so it must come last (see the top of this file).
  CHECK_MESSAGE(std::string(doctest::getContextOptions()->order_by.c_str()) == "file",
                "run test_cuda in file order (the default) so this check comes last");
  const auto& checked = thorax::cuda::test::checked_kernels();
  std::map<std::string, std::set<std::string>> shapes_by_version;  // "op/version" -> block shapes
  std::set<std::string> registered;
  for (const auto& e : thorax::cuda::kernel_registry()) {
    std::string kernel = e.kernel, version = std::string(e.op) + "/" + e.version;
    CAPTURE(kernel);
    CAPTURE(version);
    CHECK_MESSAGE(registered.insert(kernel).second, "registered twice");
    CHECK_MESSAGE(thorax::cuda::launch_count(kernel) > 0, "never launched by the emulated tests");
    auto it = checked.find(kernel);
    CHECK_MESSAGE(it != checked.end(), "launched, but never inside a CheckScope whose comparisons all passed");
    if (it != checked.end()) shapes_by_version[version].insert(it->second.begin(), it->second.end());
    else shapes_by_version[version];
  }
  for (const auto& [version, shapes] : shapes_by_version) {
    CAPTURE(version);
    std::string list;
    for (const auto& s : shapes) list += " " + s;
    INFO("checked block shapes:" << list);
    CHECK(shapes.size() >= 2);
  }
  // The other direction: nothing launched that the registry does not know about.
  for (const auto& [name, count] : thorax::cuda::launch_counts()) {
    CAPTURE(name);
    CHECK_MESSAGE((registered.count(name) == 1 || is_test_kernel(name)), "launched but not registered");
  }
  MESSAGE(registered.size() << " kernels in " << shapes_by_version.size() << " (op, version) pairs checked");
}
