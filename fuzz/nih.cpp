// The NIH ChestX-ray14 reader (data/nih.cpp): the input is Data_Entry_2017.csv in a folder that also holds a few
// images, the official split lists and lung masks, so every branch of a row (found image, missing image, split
// list, mask) is reachable.
#include "data/png_writer.h"
#include "fuzz/dataset_check.h"

namespace {

const std::string& nih_dir() {
  static const std::string dir = [] {
    const std::string d = thorax::fuzz::scratch_path("nih");
    const std::string png = thorax::data::encode_png(std::vector<uint8_t>(16, 128), 4, 4, 1);
    for (const char* name : {"00000001_000.png", "00000001_001.png", "00000002_000.png", "00000003_000.png"}) {
      thorax::fuzz::write_bytes(d + "/images/" + name, png);
      thorax::fuzz::write_bytes(d + "/lungs/" + name, png);
    }
    thorax::fuzz::write_bytes(d + "/train_val_list.txt", "00000001_000.png\n00000001_001.png\n00000003_000.png\n");
    thorax::fuzz::write_bytes(d + "/test_list.txt", "00000002_000.png\n");
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string csv = nih_dir() + "/Data_Entry_2017.csv";
  thorax::fuzz::write_bytes(csv, thorax::fuzz::as_string(data, size));
  thorax::fuzz::open_and_check("nih:" + nih_dir() + "?images=images&lungs=lungs&no_finding=1", csv);
  return 0;
}
