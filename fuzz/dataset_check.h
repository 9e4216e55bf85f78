// Opens a dataset exactly as `thorax data check` and training do (open_dataset), and checks what every reader
// promises whatever its input: one target and one mask value per class, a patient id on every sample, and a report
// whose counts add up. A broken promise aborts, so the fuzzer reports it.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/dataset.h"
#include "fuzz/fuzz_support.h"

namespace thorax::fuzz {

inline void fail(const std::string& why) {
  std::fprintf(stderr, "thorax fuzz: %s\n", why.c_str());
  std::abort();
}

// `name` must appear in every error (the label file's path, or the spec).
inline void open_and_check(const std::string& spec, const std::string& name) {
  try {
    data::Dataset d = data::open_dataset(spec);
    const size_t k = static_cast<size_t>(d.labels.size());
    for (const auto& s : d.samples) {
      if (s.target.size() != k || s.mask.size() != k) fail("sample " + s.id + " has the wrong number of targets");
      if (s.patient_id.empty()) fail("sample " + s.id + " has no patient id");
    }
    d.report.summary();
  } catch (const std::exception& e) {
    expect_named(e, name);
  }
}

}  // namespace thorax::fuzz
