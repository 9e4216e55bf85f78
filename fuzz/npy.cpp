// The .npy reader (tensor/npy.cpp): magic, version, header dict, dtype, shape (overflow), payload size. A parsed
// tensor is read back value by value, which catches values its dtype cannot hold (a bool that is neither 0 nor 1).
#include "fuzz/fuzz_support.h"
#include "tensor/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name = "fuzz.npy";
  try {
    thorax::Tensor t = thorax::npy_parse(thorax::fuzz::as_string(data, size), name);
    if (t.numel() <= 1 << 16) t.to_vector();
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, name);
  }
  return 0;
}
