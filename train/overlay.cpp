#include "train/overlay.h"

#include <algorithm>
#include <stdexcept>

namespace thorax::train {

namespace {

// A short "jet": blue, cyan, green, yellow, red at 0, 0.25, 0.5, 0.75, 1.
void ramp(float t, float rgb[3]) {
  static const float stops[5][3] = {{0, 0, 1}, {0, 1, 1}, {0, 1, 0}, {1, 1, 0}, {1, 0, 0}};
  const float s = std::clamp(t, 0.0f, 1.0f) * 4.0f;
  const int i = std::min(static_cast<int>(s), 3);
  const float f = s - static_cast<float>(i);
  for (int c = 0; c < 3; ++c) rgb[c] = stops[i][c] * (1 - f) + stops[i + 1][c] * f;
}

}  // namespace

data::Image heat_overlay(const data::Image& gray, const float* map, const std::vector<uint8_t>& outline) {
  if (gray.channels != 1) throw std::invalid_argument("heat_overlay: needs a 1-channel image");
  const int h = gray.height, w = gray.width;
  const size_t plane = static_cast<size_t>(h) * w;
  if (!outline.empty() && outline.size() != plane) throw std::invalid_argument("heat_overlay: outline size differs");
  data::Image out(3, h, w);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      float rgb[3];
      ramp(map[i], rgb);
      const float alpha = 0.6f * std::clamp(map[i] * 1.5f, 0.0f, 1.0f);
      const float g = std::clamp(gray.pixels[i], 0.0f, 1.0f);
      for (int c = 0; c < 3; ++c) out.pixels[c * plane + i] = (1 - alpha) * g + alpha * rgb[c];
      // A region's border pixels: inside, with a neighbour outside.
      if (!outline.empty() && outline[i]) {
        const bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !outline[i - 1] || !outline[i + 1] ||
                          !outline[i - w] || !outline[i + w];
        if (edge) out.pixels[i] = 0, out.pixels[plane + i] = 1, out.pixels[2 * plane + i] = 0;
      }
    }
  return out;
}

}  // namespace thorax::train
