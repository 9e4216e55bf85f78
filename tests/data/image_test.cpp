#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/png_writer.h"
#include "data_fixtures.h"
#include "tensor/npy.h"

using namespace thorax;
using namespace thorax::data;

namespace {

// An image of w×h pixels with `channels` interleaved 8-bit samples following a pattern that differs per channel.
std::vector<uint8_t> pattern(int w, int h, int channels) {
  std::vector<uint8_t> v(static_cast<size_t>(w) * h * channels);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>((i * 37 + (i % channels) * 11) % 256);
  return v;
}

}  // namespace

TEST_CASE("decode: PNG gray, gray+alpha, RGB, RGBA at 8 bits follow the stated rule") {
  const int w = 5, h = 3;
  for (int channels = 1; channels <= 4; ++channels) {
    CAPTURE(channels);
    std::vector<uint8_t> px = pattern(w, h, channels);
    const std::string png = encode_png(px, w, h, channels);
    ImageInfo info = probe_image(png, "t.png");
    CHECK(info.format == "PNG");
    CHECK(info.width == w);
    CHECK(info.height == h);
    CHECK(info.channels == channels);
    CHECK(info.bits == 8);
    Image gray = decode_image(png, "t.png", 1);
    Image rgb = decode_image(png, "t.png", 3);
    REQUIRE(gray.channels == 1);
    REQUIRE(rgb.channels == 3);
    for (int p = 0; p < w * h; ++p) {
      const uint8_t* s = &px[static_cast<size_t>(p) * channels];
      // Gray (and gray+alpha): the gray sample; color: BT.601 luminance. Alpha never enters.
      float expect = channels >= 3 ? 0.299f * s[0] / 255.0f + 0.587f * s[1] / 255.0f + 0.114f * s[2] / 255.0f
                                   : s[0] / 255.0f;
      CHECK(gray.pixels[p] == doctest::Approx(expect).epsilon(1e-6));
      for (int c = 0; c < 3; ++c)
        CHECK(rgb.pixels[c * w * h + p] == doctest::Approx(s[channels >= 3 ? c : 0] / 255.0f).epsilon(1e-6));
    }
  }
}

TEST_CASE("decode: 16-bit PNG keeps its precision (v / 65535)") {
  std::vector<uint16_t> px = {0, 1, 256, 65535, 12345, 40000};
  const std::string png = encode_png16(px, 3, 2, 1);
  CHECK(probe_image(png, "d.png").bits == 16);
  Image img = decode_image(png, "d.png");
  for (size_t i = 0; i < px.size(); ++i) CHECK(img.pixels[i] == doctest::Approx(px[i] / 65535.0).epsilon(1e-7));
  CHECK(img.pixels[1] > 0.0f);  // 1/65535 survives: not squashed to 8 bits
}

TEST_CASE("decode: bad bytes get one sentence naming the file") {
  CHECK_THROWS_WITH(decode_image("", "00012.png"), "image 00012.png: empty file (0 bytes)");
  CHECK_THROWS_WITH(decode_image("<html><body>not found</body></html>", "00012.png"),
                    "image 00012.png: not a PNG, JPEG or BMP (first bytes 3C 68 74 6D)");
  const std::string png = encode_png(pattern(64, 64, 1), 64, 64, 1);
  CHECK_THROWS_WITH(decode_image(png.substr(0, png.size() / 2), "cut.png"),
                    doctest::Contains("image cut.png: truncated PNG (no IEND chunk"));
  CHECK_THROWS_WITH(decode_image(png.substr(0, 20), "head.png"),
                    doctest::Contains("image head.png: unreadable PNG header"));
  CHECK_THROWS_WITH(decode_image(png, "big.png", 1, 100),
                    "image big.png: 64x64 pixels is outside the accepted size (1 to 100 pixels)");
  CHECK_THROWS_WITH(decode_image(png, "x.png", 2), doctest::Contains("can decode to 1 or 3 channels, not 2"));
}

TEST_CASE("decode: a BMP, and a BMP cut short") {
  // 2×2 24-bit BMP, rows bottom-up, each padded to 8 bytes: blue, green / red, white.
  std::string bmp = "BM";
  auto le32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  auto le16 = [&](uint16_t v) { bmp += static_cast<char>(v & 0xFF), bmp += static_cast<char>(v >> 8); };
  le32(54 + 16), le32(0), le32(54);                           // file size, reserved, pixel offset
  le32(40), le32(2), le32(2), le16(1), le16(24), le32(0);      // BITMAPINFOHEADER, no compression
  le32(16), le32(2835), le32(2835), le32(0), le32(0);
  bmp += std::string("\x00\x00\xFF\xFF\xFF\xFF\x00\x00", 8);  // bottom row: red, white (BGR)
  bmp += std::string("\xFF\x00\x00\x00\xFF\x00\x00\x00", 8);  // top row: blue, green
  Image img = decode_image(bmp, "t.bmp", 3);
  REQUIRE(img.width == 2);
  CHECK(img.at(2, 0, 0) == 1.0f);  // top-left blue
  CHECK(img.at(1, 0, 1) == 1.0f);  // top-right green
  CHECK(img.at(0, 1, 0) == 1.0f);  // bottom-left red
  CHECK(img.at(0, 1, 1) == 1.0f);
  CHECK(img.at(2, 1, 1) == 1.0f);  // white
  CHECK_THROWS_WITH(decode_image(bmp.substr(0, 60), "cut.bmp"), doctest::Contains("image cut.bmp: truncated BMP"));
}

TEST_CASE("decode: real files — NIH RGBA equals its gray twin's rule, a Kermany JPEG, and truncated copies" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  // 00000100_000.png is RGBA in the NIH release (alpha 255, R = G = B): gray is the R sample.
  const std::string rgba = read_file_bytes(dir + "/nih/fullres/00000100_000.png");
  ImageInfo info = probe_image(rgba, "00000100_000.png");
  CHECK(info.channels == 4);
  CHECK(info.width == 1024);
  Image gray = decode_image(rgba, "00000100_000.png");
  Image rgb = decode_image(rgba, "00000100_000.png", 3);
  double max_diff = 0;
  for (size_t p = 0; p < gray.pixels.size(); ++p)
    max_diff = std::max<double>(max_diff, std::fabs(gray.pixels[p] - rgb.pixels[p]));
  CHECK(max_diff < 1e-6);
  // An 8-bit gray NIH file.
  Image g = read_image(dir + "/nih/fullres/00000075_000.png");
  CHECK(g.width == 1024);
  CHECK(g.height == 1024);
  // Kermany stores grayscale content as RGB JPEG; truncated, it is refused rather than decoded with gray filler.
  const std::string jpeg_path = dir + "/kermany/train/NORMAL/IM-0115-0001.jpeg";
  const std::string jpeg = read_file_bytes(jpeg_path);
  CHECK(probe_image(jpeg, "j").format == "JPEG");
  Image j = decode_image(jpeg, "j");
  CHECK(j.width == 224);
  CHECK_THROWS_WITH(decode_image(jpeg.substr(0, jpeg.size() * 2 / 3), "IM-0115-0001.jpeg"),
                    doctest::Contains("image IM-0115-0001.jpeg: truncated JPEG (no end-of-image marker FF D9"));
  CHECK_THROWS_WITH(decode_image(rgba.substr(0, rgba.size() - 100), "00000100_000.png"),
                    doctest::Contains("truncated PNG"));
}

TEST_CASE("png writer: what it writes decodes to the same samples, and write_png is atomic") {
  testing::TempDir tmp;
  Image img(1, 3, 4);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>(i) / 11.0f;
  write_png(tmp / "a.png", img);
  Image back = read_image(tmp / "a.png");
  for (size_t i = 0; i < img.pixels.size(); ++i)
    CHECK(back.pixels[i] == doctest::Approx(std::round(img.pixels[i] * 255) / 255));
  CHECK_FALSE(std::filesystem::exists(tmp / "a.png.tmp"));
  CHECK_THROWS_WITH(encode_png({1, 2, 3}, 2, 2, 1), doctest::Contains("3 samples for a 2x2x1 image"));
}
