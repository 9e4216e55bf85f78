#include "data/png_writer.h"

#include <zlib.h>

#include <stdexcept>

#include "tensor/npy.h"

namespace thorax::data {

namespace {

void put_be32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_be32(out, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  put_be32(out, static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(body.data()),
                                            static_cast<uInt>(body.size()))));
}

// `raw` holds the rows already serialized (big-endian samples), without filter bytes.
std::string encode(const std::string& raw, int width, int height, int channels, int bits) {
  if (width <= 0 || height <= 0 || channels < 1 || channels > 4)
    throw std::invalid_argument("encode_png: bad image size " + std::to_string(width) + "x" + std::to_string(height) +
                                "x" + std::to_string(channels));
  static const uint8_t color_type[5] = {0, 0, 4, 2, 6};  // by channel count: gray, gray+alpha, RGB, RGBA
  const size_t row_bytes = static_cast<size_t>(width) * channels * (bits / 8);
  std::string filtered;
  filtered.reserve((row_bytes + 1) * height);
  for (int y = 0; y < height; ++y) {
    filtered += '\0';  // filter type 0: the row as is
    filtered.append(raw, y * row_bytes, row_bytes);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(filtered.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(filtered.data()),
                static_cast<uLong>(filtered.size()), 6) != Z_OK)
    throw std::runtime_error("encode_png: zlib could not compress the image");
  packed.resize(packed_size);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  put_be32(header, static_cast<uint32_t>(width));
  put_be32(header, static_cast<uint32_t>(height));
  header += static_cast<char>(bits);
  header += static_cast<char>(color_type[channels]);
  header += std::string(3, '\0');  // deflate, adaptive filtering, no interlace
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

void check_count(size_t got, int width, int height, int channels) {
  if (got != static_cast<size_t>(width) * height * channels)
    throw std::invalid_argument("encode_png: " + std::to_string(got) + " samples for a " + std::to_string(width) + "x" +
                                std::to_string(height) + "x" + std::to_string(channels) + " image");
}

}  // namespace

std::string encode_png(const std::vector<uint8_t>& samples, int width, int height, int channels) {
  check_count(samples.size(), width, height, channels);
  return encode(std::string(samples.begin(), samples.end()), width, height, channels, 8);
}

std::string encode_png16(const std::vector<uint16_t>& samples, int width, int height, int channels) {
  check_count(samples.size(), width, height, channels);
  std::string raw;
  raw.reserve(samples.size() * 2);
  for (uint16_t v : samples) {
    raw += static_cast<char>(v >> 8);
    raw += static_cast<char>(v & 0xFF);
  }
  return encode(raw, width, height, channels, 16);
}

void write_png(const std::string& path, const Image& image) {
  write_file_atomic(path, encode_png(to_u8_interleaved(image), image.width, image.height, image.channels));
}

}  // namespace thorax::data
