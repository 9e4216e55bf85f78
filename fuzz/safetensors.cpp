// The safetensors reader (nn/safetensors.cpp) on a file held in memory: header length, strict JSON, dtypes,
// shapes whose element count overflows, offsets that must tile the data section. Parsed tensors are read back.
#include "fuzz/fuzz_support.h"
#include "nn/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name = "fuzz.safetensors";
  try {
    thorax::nn::Safetensors s = thorax::nn::safetensors_parse(thorax::fuzz::as_string(data, size), name);
    for (const auto& [tensor_name, t] : s.tensors)
      if (t.numel() <= 1 << 16) t.to_vector();
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, name);
  }
  return 0;
}
