// The MedMNIST .npz dataset reader (data/npz.cpp) over the ZIP and .npy readers, as `npz:FILE` opens it, then the
// first images decoded from memory (Dataset::load_image) as the loader would.
#include "fuzz/dataset_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = thorax::fuzz::scratch_path("fuzz.npz");
  thorax::fuzz::write_bytes(path, thorax::fuzz::as_string(data, size));
  try {
    thorax::data::Dataset d = thorax::data::open_dataset("npz:" + path);
    for (size_t i = 0; i < d.size() && i < 3; ++i) {
      d.load_image(i, 1);
      d.load_image(i, 3);
    }
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, path);
  }
  return 0;
}
