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

uint32_t be32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

// Deflate expands at most about 1032-fold; a JPEG spends at least one bit on each 8×8 block of its
// full-resolution component. A header asking for more pixels than the file's bytes can carry is damage.
constexpr int64_t kMaxDeflateRatio = 1032, kMaxJpegPixelsPerByte = 512;

// A PNG is a chain of chunks (length, type, data, CRC) that must fit the file: stb_image allocates an IDAT chunk's
// stated length before reading it, so a 1 KB file could otherwise make it allocate gigabytes. Returns the bytes of
// compressed data (the IDAT chunks), which bound the pixel rows the image can hold.
int64_t check_png_chunks(const std::string& bytes, const std::string& name) {
  const std::string size = std::to_string(bytes.size()) + " bytes";
  int64_t idat = 0;
  for (size_t at = 8;;) {
    if (bytes.size() - at < 12)
      throw std::runtime_error("image " + name + ": damaged PNG (a chunk header at byte " + std::to_string(at) +
                               " runs past the end of its " + size + ")");
    const uint32_t length = be32(bytes, at);
    const std::string type = bytes.substr(at + 4, 4);
    if (length > bytes.size() - at - 12)
      throw std::runtime_error("image " + name + ": damaged PNG (chunk " + first_bytes_hex(type) + " of " +
                               std::to_string(length) + " bytes at byte " + std::to_string(at) +
                               " runs past the end of its " + size + ")");
    if (type == "IDAT") idat += length;
    if (type == "IEND") return idat;
    at += 12 + static_cast<size_t>(length);
  }
}

// The pixel rows a PNG header asks for must be reachable from its compressed bytes.
void check_png_size(const std::string& bytes, const ImageInfo& info, int64_t idat, const std::string& name) {
  const unsigned char depth = static_cast<unsigned char>(bytes[24]), color = static_cast<unsigned char>(bytes[25]);
  const int samples = color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1;
  const int64_t row_bytes = 1 + (static_cast<int64_t>(info.width) * samples * depth + 7) / 8;
  if (row_bytes * info.height > kMaxDeflateRatio * idat + 4096)
    throw std::runtime_error("image " + name + ": damaged PNG (" + std::to_string(info.width) + "x" +
                             std::to_string(info.height) + " pixels cannot come from " + std::to_string(idat) +
                             " bytes of compressed data)");
}

// The stb_image this project builds against (Debian's 2.27) trusts a JPEG Huffman table's code counts: counts adding
// up to more than 256 codes write past its tables. Every DHT segment stb_image would meet — those between the scans
// of a progressive JPEG too — is checked here first, found the way stb_image finds markers: bytes that are not FF
// between segments are skipped, FF fill bytes too; each segment is as long as its length field says; after a
// start-of-scan header come entropy-coded bytes up to the next FF (after fill bytes) that is neither a stuffed 00
// nor a restart.
void check_jpeg_tables(const std::string& bytes, const std::string& name) {
  auto u8 = [&](size_t at) { return static_cast<unsigned char>(bytes[at]); };
  auto restart = [](unsigned char m) { return m >= 0xD0 && m <= 0xD7; };
  size_t at = 2;
  while (at < bytes.size()) {
    if (u8(at) != 0xFF) {
      ++at;
      continue;
    }
    while (at < bytes.size() && u8(at) == 0xFF) ++at;
    if (at + 3 > bytes.size()) return;
    const unsigned char marker = u8(at++);
    if (marker == 0x00 || marker == 0xD8 || marker == 0xD9 || restart(marker)) return;  // stb_image stops here
    const size_t length = static_cast<size_t>(u8(at)) << 8 | u8(at + 1);
    if (marker == 0xC4) {  // read as stb_image reads it: tables of 17 + codes bytes while the length lasts, and
                           // zeros past the end of the file
      int64_t left = static_cast<int64_t>(length) - 2;
      for (size_t t = at + 2; left > 0 && t < bytes.size();) {
        if ((u8(t) >> 4) > 1 || (u8(t) & 15) > 3) return;  // stb_image refuses the table
        int codes = 0;
        for (size_t i = t + 1; i <= t + 16 && i < bytes.size(); ++i) codes += u8(i);
        if (codes > 256)
          throw std::runtime_error("image " + name + ": damaged JPEG (a Huffman table at byte " + std::to_string(t) +
                                   " declares " + std::to_string(codes) + " codes, more than 256)");
        t += 17 + static_cast<size_t>(codes);
        left -= 17 + codes;
      }
    }
    if (length < 2) return;
    at += length;
    if (marker == 0xDA) {  // entropy-coded data: FF (FF...) 00 is a stuffed byte, FF (FF...) D0-D7 a restart
      while (at < bytes.size()) {
        size_t next = at + 1;
        if (u8(at) == 0xFF) {
          while (next < bytes.size() && u8(next) == 0xFF) ++next;
          if (next < bytes.size() && u8(next) != 0 && !restart(u8(next))) break;  // a marker: back to the loop above
          ++next;
        }
        at = next;
      }
    }
  }
}

// stb_image fills missing data with zeros rather than failing, so truncation is checked before decoding; so are
// the PNG chunk chain and the pixel count the file can hold.
void check_complete(const std::string& bytes, const ImageInfo& info, const std::string& name) {
  const std::string& format = info.format;
  const std::string size = std::to_string(bytes.size()) + " bytes";
  if (format == "PNG" && !tail_contains(bytes, "IEND", 64))
    throw std::runtime_error("image " + name + ": truncated PNG (no IEND chunk at the end of its " + size + ")");
  if (format == "JPEG" && !tail_contains(bytes, "\xFF\xD9", 1024))
    throw std::runtime_error("image " + name + ": truncated JPEG (no end-of-image marker FF D9 in its " + size + ")");
  if (format == "PNG") check_png_size(bytes, info, check_png_chunks(bytes, name), name);
  if (format == "JPEG" &&
      static_cast<int64_t>(info.width) * info.height > kMaxJpegPixelsPerByte * static_cast<int64_t>(bytes.size()))
    throw std::runtime_error("image " + name + ": damaged JPEG (" + std::to_string(info.width) + "x" +
                             std::to_string(info.height) + " pixels cannot be coded in " + size + ")");
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
  // Before stb_image parses anything: even its header pass builds the Huffman tables met before the frame header.
  if (info.format == "JPEG") check_jpeg_tables(bytes, name);
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX));
  if (!stbi_info_from_memory(data, len, &info.width, &info.height, &info.channels))
    throw std::runtime_error("image " + name + ": unreadable " + info.format + " header (" + stbi_failure_reason() +
                             ", " + std::to_string(bytes.size()) + " bytes)");
  info.bits = stbi_is_16_bit_from_memory(data, len) ? 16 : 8;
  if (info.width <= 0 || info.height <= 0 || static_cast<int64_t>(info.width) * info.height > max_pixels)
    throw std::runtime_error("image " + name + ": " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                             " pixels is outside the accepted size (1 to " + std::to_string(max_pixels) + " pixels)");
  check_complete(bytes, info, name);
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
