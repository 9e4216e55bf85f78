// The decoder against Pillow on real files: PNGs (gray, and the NIH release's RGBA) must agree exactly;
// JPEGs within what two correct decoders may differ by (IDCT rounding): measured at most 1 level, on 0.3% of pixels.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "data/image.h"
#include "data_fixtures.h"
#include "tensor/npy.h"

using namespace thorax;
using namespace thorax::data;

TEST_CASE("decode: real PNG and JPEG files agree with Pillow's convert(\"L\")" * doctest::test_suite("real_data")) {
  testing::data_dir();
  const char* refs = std::getenv("THORAX_DATA_REFS");
  REQUIRE_MESSAGE(refs != nullptr, "THORAX_DATA_REFS is unset: run through ctest, which writes the Pillow references");
  std::ifstream index(std::string(refs) + "/index.txt");
  REQUIRE_MESSAGE(index.good(), "no reference index in " << refs);
  std::string line;
  int files = 0;
  while (std::getline(index, line)) {
    const size_t tab = line.find('\t');
    const std::string name = line.substr(0, tab), path = line.substr(tab + 1);
    CAPTURE(path);
    Tensor ref = npy_load(std::string(refs) + "/" + name + ".npy");
    Image img = read_image(path);
    REQUIRE(ref.shape() == Shape{img.height, img.width});
    const uint8_t* r = ref.data<uint8_t>();
    double sum = 0, worst = 0;
    for (size_t i = 0; i < img.pixels.size(); ++i) {
      double d = std::fabs(std::round(img.pixels[i] * 255.0) - r[i]);
      sum += d;
      worst = std::max(worst, d);
    }
    const double mean = sum / img.pixels.size();
    if (path.ends_with(".png")) {
      CHECK(worst == 0.0);
    } else {
      CHECK(mean < 0.05);
      CHECK(worst <= 2.0);
    }
    ++files;
  }
  CHECK(files == 7);
}
