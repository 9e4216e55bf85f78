// The dataset spec (data/spec.cpp), KIND:PATH?key=value&..., with every typed getter a reader calls on it, and
// the embedded kind's phantom configuration (n, res, seed, prevalence.NAME) that decides what gets generated.
#include "data/phantom.h"
#include "data/spec.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = thorax::fuzz::as_string(data, size);
  try {
    const thorax::data::DatasetSpec spec = thorax::data::parse_spec(text);
    for (const auto& [key, value] : spec.options) {
      try {
        spec.get_list(key);
        spec.with_prefix(key);
        spec.get_bool(key, false);
      } catch (const std::exception& e) {
        thorax::fuzz::expect_named(e, "dataset spec");
      }
      try {
        spec.get_int(key, 0);
      } catch (const std::exception& e) {
        thorax::fuzz::expect_named(e, "dataset spec");
      }
      try {
        spec.get_double(key, 0.0);
      } catch (const std::exception& e) {
        thorax::fuzz::expect_named(e, "dataset spec");
      }
    }
    if (spec.kind == "embedded") {
      try {
        thorax::data::phantom_cache_name(thorax::data::phantom_config_from(spec));
      } catch (const std::exception& e) {
        thorax::fuzz::expect_named(e, "embedded");
      }
    }
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, "dataset spec");
  }
  return 0;
}
