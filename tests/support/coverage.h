// What each test run actually checked, for the coverage meta-test.
//
// A test calls record("ref", op, version) after comparing a kernel version with its reference, and
// record("grad", op) / record("torch", op) after a gradient check or a PyTorch comparison passed.
// Lines are written at exit to $THORAX_COVERAGE_DIR/<program>-<pid>.txt (nothing when unset).
#pragma once
#include <string>

namespace thorax::testing {

void record(const std::string& kind, const std::string& op, const std::string& version = "-");

}  // namespace thorax::testing
