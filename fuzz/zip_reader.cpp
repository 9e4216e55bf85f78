// The ZIP reader under .npz files (data/zip_reader.cpp): central directory, ZIP64 fields, stored and deflated
// entries. Entries are read one by one, each failing on its own, as read_npz would read them.
#include "data/zip_reader.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name = "fuzz.zip";
  try {
    thorax::data::ZipReader zip(thorax::fuzz::as_string(data, size), name);
    size_t read = 0;
    for (const auto& entry : zip.entries()) {
      if (++read > 16) break;
      try {
        zip.read(entry);
      } catch (const std::exception& e) {
        thorax::fuzz::expect_named(e, name);
      }
    }
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, name);
  }
  return 0;
}
