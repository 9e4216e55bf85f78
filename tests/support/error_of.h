// The message of the exception a call throws, or "(no error)" when it returns: for checking that bad input is
// refused with a sentence that names the problem.
#pragma once
#include <exception>
#include <functional>
#include <string>

namespace thorax::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace thorax::testing
