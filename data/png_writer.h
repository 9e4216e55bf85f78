// A small PNG encoder (zlib deflate, filter "none" on every row): enough to write phantoms, masks, preview grids
// and the test images the decoder is checked on. Color types: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA channels;
// 8- or 16-bit samples.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"

namespace thorax::data {

// `samples` are interleaved (row-major, channels innermost); 16-bit samples are given in host order.
std::string encode_png(const std::vector<uint8_t>& samples, int width, int height, int channels);
std::string encode_png16(const std::vector<uint16_t>& samples, int width, int height, int channels);

// Writes `image` (1 or 3 channels, [0,1] clamped, 8-bit) to `path` atomically.
void write_png(const std::string& path, const Image& image);

}  // namespace thorax::data
