// The COVID-19 image data collection reader (data/covid.cpp): the input is metadata.csv in a folder with a few
// images; the classes are found from the table itself.
#include "data/png_writer.h"
#include "fuzz/dataset_check.h"

namespace {

const std::string& covid_dir() {
  static const std::string dir = [] {
    const std::string d = thorax::fuzz::scratch_path("covid");
    const std::string png = thorax::data::encode_png(std::vector<uint8_t>(16, 64), 4, 4, 1);
    for (const char* name : {"images/a.png", "images/b.jpg", "images/c.png"}) thorax::fuzz::write_bytes(d + "/" + name, png);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string csv = covid_dir() + "/metadata.csv";
  thorax::fuzz::write_bytes(csv, thorax::fuzz::as_string(data, size));
  thorax::fuzz::open_and_check("covid:" + covid_dir(), csv);
  return 0;
}
