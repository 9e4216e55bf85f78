// Image decoding as the loader calls it (data/image.cpp): sniff, header check against the size limit, truncation
// check, then stb_image. Whatever decodes must have the size its header gave and every value in [0, 1].
#include <cstdio>
#include <cstdlib>

#include "data/image.h"
#include "fuzz/fuzz_support.h"

namespace {

void check_decoded(const thorax::data::Image& img, int channels) {
  const size_t expect = static_cast<size_t>(img.channels) * img.height * img.width;
  bool ok = img.channels == channels && img.height > 0 && img.width > 0 && img.pixels.size() == expect;
  for (float v : img.pixels) ok = ok && v >= 0.0f && v <= 1.0f;
  if (!ok) {
    std::fprintf(stderr, "thorax fuzz: decoded image %dx%dx%d breaks the decoding rule\n", img.channels, img.height,
                 img.width);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = thorax::fuzz::as_string(data, size);
  const std::string name = "fuzz.img";
  try {
    thorax::data::ImageInfo info = thorax::data::probe_image(bytes, name);
    thorax::data::Image gray = thorax::data::decode_image(bytes, name, 1);
    check_decoded(gray, 1);
    // The 3-channel path differs only in how samples are copied; small images keep the fuzzer fast.
    if (static_cast<int64_t>(info.width) * info.height <= 1 << 16) check_decoded(thorax::data::decode_image(bytes, name, 3), 3);
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, name);
  }
  return 0;
}
