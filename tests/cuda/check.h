// How the CUDA kernel tests prove that a kernel was checked, not merely launched.
//
//   {
//     thorax::cuda::test::CheckScope check;         // remembers where the launch log stands
//     thorax::cuda::softmax_forward(...);           // launches one or more kernels
//     check.close("y", got, want, 1e-5, 1e-6);      // compares with a CPU reference (doctest CHECKs)
//   }                                               // on exit: every kernel launched inside the scope is
//                                                   // recorded as checked, with its block shape — but only
//                                                   // if at least one comparison was made and all passed.
//
// tests/cuda/registry_test.cpp then requires every registered kernel to have been checked, under at least
// two block shapes per (op, version).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace thorax::cuda::test {

class CheckScope {
 public:
  CheckScope();
  ~CheckScope();
  CheckScope(const CheckScope&) = delete;
  CheckScope& operator=(const CheckScope&) = delete;

  // |got[i] - want[i]| <= atol + rtol * |want[i]| for every i (a NaN in got fails; NaN wants NaN). Reports
  // the first mismatch (index, both values) through doctest and returns whether all matched.
  bool close(const char* what, const float* got, const double* want, std::size_t n, double rtol, double atol);
  bool close(const char* what, const std::vector<float>& got, const std::vector<double>& want, double rtol,
             double atol);
  bool close(const char* what, const std::vector<float>& got, const std::vector<float>& want, double rtol,
             double atol);
  // Exact equality (integer outputs such as argmax).
  bool equal(const char* what, const std::vector<std::int64_t>& got, const std::vector<std::int64_t>& want);

 private:
  std::size_t first_;
  bool ok_ = true;
  int comparisons_ = 0;
};

// n deterministic pseudo-random values in [lo, hi), different for each salt (no RNG state to share).
inline std::vector<float> values(std::int64_t n, int salt, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] =
        lo + (hi - lo) * static_cast<float>((i * 7919 + salt * 104729 + 17) % 1999) / 1999.0f;
  return v;
}

// The float values as doubles (the references of kernels/reference run in double).
inline std::vector<double> to_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

// kernel name -> the block shapes ("96x1x1") under which it was launched inside a passing CheckScope.
const std::map<std::string, std::set<std::string>>& checked_kernels();

}  // namespace thorax::cuda::test
