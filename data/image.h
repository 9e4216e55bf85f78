// Decoded images: planar float32 (channel, row, column) with values in [0, 1].
//
// The decoding rule, stated once (DESIGN.md, Data contracts):
//   - 8-bit samples map to v/255, 16-bit samples to v/65535.
//   - Single channel (the default): gray stays gray; RGB becomes luminance 0.299 R + 0.587 G + 0.114 B
//     (ITU-R BT.601, the weights PIL's convert("L") uses); alpha is ignored, not composited — the NIH release's
//     RGBA files carry alpha 255 everywhere, and compositing over black or white would invent content.
//   - Three channels on request: gray is replicated into R, G and B; RGB is kept; alpha is dropped.
// Formats: PNG (8/16-bit gray, gray+alpha, RGB, RGBA), JPEG (baseline and progressive), BMP, decoded by stb_image
// after its header was checked (stbi_info) against a maximum size, so a hostile header cannot make us allocate
// gigabytes. Truncated files are refused (a PNG without IEND, a JPEG without its end marker, a BMP shorter than its
// pixel rows) instead of being decoded with invented pixels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace thorax::data {

struct Image {
  int channels = 0, height = 0, width = 0;
  std::vector<float> pixels;  // channels × height × width

  Image() = default;
  Image(int c, int h, int w, float fill = 0.0f)
      : channels(c), height(h), width(w), pixels(static_cast<size_t>(c) * h * w, fill) {}
  float& at(int c, int y, int x) { return pixels[(static_cast<size_t>(c) * height + y) * width + x]; }
  float at(int c, int y, int x) const { return pixels[(static_cast<size_t>(c) * height + y) * width + x]; }
  float* plane(int c) { return pixels.data() + static_cast<size_t>(c) * height * width; }
  const float* plane(int c) const { return pixels.data() + static_cast<size_t>(c) * height * width; }
  bool empty() const { return pixels.empty(); }
};

struct ImageInfo {
  std::string format;  // "PNG", "JPEG" or "BMP"
  int width = 0, height = 0;
  int channels = 0;    // as stored: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
  int bits = 8;        // bits per sample (16 only for PNG)
};

// The luminance rule of the header comment, for values in [0, 1]. The weights sum to 1, but their float sum can
// exceed it by an ulp: the result is clamped so [0, 1] stays exact.
inline float luminance(float r, float g, float b) {
  float v = 0.299f * r + 0.587f * g + 0.114f * b;
  return v > 1.0f ? 1.0f : v;
}

// Images larger than this many pixels are refused before decoding (a 7000×7000 radiograph still fits).
inline constexpr int64_t kMaxImagePixels = 50'000'000;

// The format from the first bytes, or "" when it is none we read.
std::string sniff_image_format(const std::string& bytes);
// Reads the header only; throws a sentence naming `name` when the bytes are not a readable image.
ImageInfo probe_image(const std::string& bytes, const std::string& name, int64_t max_pixels = kMaxImagePixels);
// Decodes to 1 or 3 channels by the rule above; `name` (a file name) is quoted in every error.
Image decode_image(const std::string& bytes, const std::string& name, int channels = 1,
                   int64_t max_pixels = kMaxImagePixels);
Image read_image(const std::string& path, int channels = 1);

// The image as 8-bit samples (round(v·255), clamped), channel-interleaved as image files store them.
std::vector<uint8_t> to_u8_interleaved(const Image& image);

}  // namespace thorax::data
