#include "tests/cuda/check.h"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "kernels/cuda/launch.h"

namespace thorax::cuda::test {

namespace {
std::map<std::string, std::set<std::string>>& checked() {
  static std::map<std::string, std::set<std::string>> c;
  return c;
}
}  // namespace

CheckScope::CheckScope() : first_(launch_log_size()) {}

CheckScope::~CheckScope() {
  std::vector<LaunchRecord> launches = launch_log_since(first_);
  if (!ok_ || comparisons_ == 0) return;
  for (const LaunchRecord& r : launches)
    checked()[r.kernel].insert(std::to_string(r.block.x) + "x" + std::to_string(r.block.y) + "x" +
                               std::to_string(r.block.z));
}

bool CheckScope::close(const char* what, const float* got, const double* want, std::size_t n, double rtol,
                       double atol) {
  ++comparisons_;
  for (std::size_t i = 0; i < n; ++i) {
    double g = got[i], w = want[i];
    bool ok = std::isnan(w) ? std::isnan(g) : (std::isfinite(g) && std::fabs(g - w) <= atol + rtol * std::fabs(w));
    if (!ok) {
      std::ostringstream msg;
      msg << what << "[" << i << "] = " << g << ", reference " << w << " (of " << n << " values; rtol " << rtol
          << ", atol " << atol << ")";
      FAIL_CHECK(msg.str());
      ok_ = false;
      return false;
    }
  }
  CHECK(true);  // one assertion per comparison, so doctest's counts show the work
  return true;
}

bool CheckScope::close(const char* what, const std::vector<float>& got, const std::vector<double>& want, double rtol,
                       double atol) {
  if (got.size() != want.size()) {
    FAIL_CHECK(what << ": " << got.size() << " values, reference has " << want.size());
    ok_ = false;
    return false;
  }
  return close(what, got.data(), want.data(), got.size(), rtol, atol);
}

bool CheckScope::close(const char* what, const std::vector<float>& got, const std::vector<float>& want, double rtol,
                       double atol) {
  return close(what, got, std::vector<double>(want.begin(), want.end()), rtol, atol);
}

bool CheckScope::equal(const char* what, const std::vector<std::int64_t>& got, const std::vector<std::int64_t>& want) {
  ++comparisons_;
  for (std::size_t i = 0; i < want.size() && i < got.size(); ++i)
    if (got[i] != want[i]) {
      FAIL_CHECK(what << "[" << i << "] = " << got[i] << ", reference " << want[i]);
      ok_ = false;
      return false;
    }
  if (got.size() != want.size()) {
    FAIL_CHECK(what << ": " << got.size() << " values, reference has " << want.size());
    ok_ = false;
    return false;
  }
  CHECK(true);
  return true;
}

const std::map<std::string, std::set<std::string>>& checked_kernels() { return checked(); }

}  // namespace thorax::cuda::test
