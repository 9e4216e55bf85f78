// Small helpers shared by the test_bench files.
#pragma once
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "autograd/profile.h"
#include "tests/support/error_of.h"

namespace thorax::bench_test {

using thorax::testing::error_of;  // tests/support/error_of.h

// The profile row named `name`, or null.
inline const autograd::OpTime* find_op(const std::vector<autograd::OpTime>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace thorax::bench_test
