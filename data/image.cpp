#include "data/image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "tensor/npy.h"

// stb_image is compiled here and only here. Only the formats we state are built in.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#endif
#include <stb_image.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace thorax::data {

namespace {

std::string first_bytes_hex(const std::string& bytes, size_t n = 4) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < std::min(n, bytes.size()); ++i) {
    std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned char>(bytes[i]));
    out += (i ? " " : "") + std::string(buf);
  }
  return out;
}

uint32_t le32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}
uint16_t le16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}

bool tail_contains(const std::string& bytes, const std::string& marker, size_t window) {
  size_t from = bytes.size() > window ? bytes.size() - window : 0;
  return bytes.find(marker, from) != std::string::npos;
}

// stb_image fills missing data with zeros rather than failing, so truncation is checked before decoding.
void check_complete(const std::string& bytes, const std::string& format, const std::string& name) {
  const std::string size = std::to_string(bytes.size()) + " bytes";
  if (format == "PNG" && !tail_contains(bytes, "IEND", 64))
    throw std::runtime_error("image " + name + ": truncated PNG (no IEND chunk at the end of its " + size + ")");
  if (format == "JPEG" && !tail_contains(bytes, "\xFF\xD9", 1024))
    throw std::runtime_error("image " + name + ": truncated JPEG (no end-of-image marker FF D9 in its " + size + ")");
  if (format == "BMP" && bytes.size() >= 34) {
    uint32_t pixel_offset = le32(bytes, 10), header = le32(bytes, 14);
    if (header < 40) return;  // OS/2 core header: rare, left to stb_image
    int64_t width = static_cast<int32_t>(le32(bytes, 18)), height = static_cast<int32_t>(le32(bytes, 22));
    uint32_t bpp = le16(bytes, 28), compression = le32(bytes, 30);
    if (compression != 0 && compression != 3) return;  // run-length encoded rows have no fixed size
    int64_t stride = (std::llabs(width) * bpp + 31) / 32 * 4;
    int64_t need = static_cast<int64_t>(pixel_offset) + stride * std::llabs(height);
    if (static_cast<int64_t>(bytes.size()) < need)
      throw std::runtime_error("image " + name + ": truncated BMP (" + size + ", its header needs " +
                               std::to_string(need) + ")");
  }
}

}  // namespace

std::string sniff_image_format(const std::string& bytes) {
  if (bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "PNG";
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xFF\xD8\xFF") == 0) return "JPEG";
  if (bytes.size() >= 2 && bytes.compare(0, 2, "BM") == 0) return "BMP";
  return "";
}

ImageInfo probe_image(const std::string& bytes, const std::string& name, int64_t max_pixels) {
  if (bytes.empty()) throw std::runtime_error("image " + name + ": empty file (0 bytes)");
  ImageInfo info;
  info.format = sniff_image_format(bytes);
  if (info.format.empty())
    throw std::runtime_error("image " + name + ": not a PNG, JPEG or BMP (first bytes " + first_bytes_hex(bytes) +
                             ")");
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX));
  if (!stbi_info_from_memory(data, len, &info.width, &info.height, &info.channels))
    throw std::runtime_error("image " + name + ": unreadable " + info.format + " header (" + stbi_failure_reason() +
                             ", " + std::to_string(bytes.size()) + " bytes)");
  info.bits = stbi_is_16_bit_from_memory(data, len) ? 16 : 8;
  if (info.width <= 0 || info.height <= 0 || static_cast<int64_t>(info.width) * info.height > max_pixels)
    throw std::runtime_error("image " + name + ": " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                             " pixels is outside the accepted size (1 to " + std::to_string(max_pixels) + " pixels)");
  check_complete(bytes, info.format, name);
  return info;
}

Image decode_image(const std::string& bytes, const std::string& name, int channels, int64_t max_pixels) {
  if (channels != 1 && channels != 3)
    throw std::invalid_argument("image " + name + ": can decode to 1 or 3 channels, not " + std::to_string(channels));
  ImageInfo info = probe_image(bytes, name, max_pixels);
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX));
  int w = 0, h = 0, stored = 0;
  std::unique_ptr<void, void (*)(void*)> pixels(nullptr, stbi_image_free);
  if (info.bits == 16)
    pixels.reset(stbi_load_16_from_memory(data, len, &w, &h, &stored, 0));
  else
    pixels.reset(stbi_load_from_memory(data, len, &w, &h, &stored, 0));
  if (!pixels)
    throw std::runtime_error("image " + name + ": cannot decode " + info.format + " (" + stbi_failure_reason() + ", " +
                             std::to_string(bytes.size()) + " bytes; the file may be damaged)");

  const float scale = info.bits == 16 ? 1.0f / 65535.0f : 1.0f / 255.0f;
  const size_t n = static_cast<size_t>(w) * h;
  auto sample = [&](size_t pixel, int c) -> float {
    size_t i = pixel * stored + c;
    return info.bits == 16 ? static_cast<const uint16_t*>(pixels.get())[i] * scale
                           : static_cast<const uint8_t*>(pixels.get())[i] * scale;
  };
  const bool color = stored >= 3;  // 3 RGB, 4 RGBA; 1 gray, 2 gray+alpha
  Image out(channels, h, w);
  for (size_t p = 0; p < n; ++p) {
    if (channels == 1) {
      out.pixels[p] = color ? luminance(sample(p, 0), sample(p, 1), sample(p, 2)) : sample(p, 0);
    } else {
      for (int c = 0; c < 3; ++c) out.pixels[c * n + p] = sample(p, color ? c : 0);
    }
  }
  return out;
}

Image read_image(const std::string& path, int channels) { return decode_image(read_file_bytes(path), path, channels); }

std::vector<uint8_t> to_u8_interleaved(const Image& image) {
  const size_t n = static_cast<size_t>(image.height) * image.width;
  std::vector<uint8_t> out(n * image.channels);
  for (int c = 0; c < image.channels; ++c)
    for (size_t p = 0; p < n; ++p) {
      float v = std::clamp(image.pixels[c * n + p], 0.0f, 1.0f);
      out[p * image.channels + c] = static_cast<uint8_t>(std::lround(v * 255.0f));
    }
  return out;
}

}  // namespace thorax::data
