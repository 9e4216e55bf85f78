// Small helpers shared by the test_bench files.
#pragma once
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "autograd/profile.h"

namespace thorax::bench_test {

// The message of what f throws, or "" when it returns.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The profile row named `name`, or null.
inline const autograd::OpTime* find_op(const std::vector<autograd::OpTime>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace thorax::bench_test
