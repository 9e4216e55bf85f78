// Weights files as `thorax predict/eval/model summary` open them (nn/weights_file.cpp): the streaming safetensors
// reader (safetensors_load, tensor by tensor into final storage), the model card JSON and its hash check, and the
// header-only card read. The input is written to a file first, since these readers take a path.
#include "fuzz/fuzz_support.h"
#include "nn/weights_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = thorax::fuzz::scratch_path("weights.safetensors");
  thorax::fuzz::write_bytes(path, thorax::fuzz::as_string(data, size));
  try {
    thorax::nn::read_card(path);
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, path);
  }
  try {
    thorax::nn::WeightsFile w = thorax::nn::read_weights(path);
    for (const auto& [tensor_name, t] : w.tensors)
      if (t.numel() <= 1 << 16) t.to_vector();
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, path);
  }
  return 0;
}
