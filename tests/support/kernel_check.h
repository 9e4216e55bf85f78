// Helpers for registry-driven kernel tests: random buffers, and reporting each version's result.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernels/registry.h"
#include "tensor/rng.h"
#include "tests/support/check.h"
#include "tests/support/coverage.h"

namespace thorax::testing {

// n floats from N(0,1) (or U(lo,hi) when lo < hi), deterministic for a seed.
std::vector<float> random_floats(int64_t n, uint64_t seed, float lo = 0.0f, float hi = 0.0f);

// Compares two float buffers with the stated tolerance; on failure names op, version and case.
void expect_close(const std::vector<float>& got, const std::vector<float>& ref, Tolerance tol,
                  const std::string& what);

// Records that `version` of `op` matched its reference, noting aliases in the test output.
template <class Fn> void passed(const kernels::Op<Fn>& op, const kernels::Version<Fn>& v) {
  if (!v.alias_of.empty()) MESSAGE(op.name << "/" << v.name << " is an alias of " << v.alias_of);
  record("ref", op.name, v.name);
}

}  // namespace thorax::testing
