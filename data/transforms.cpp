#include "data/transforms.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace thorax::data {

namespace {

void check_size(int h, int w, const char* what) {
  if (h <= 0 || w <= 0)
    throw std::invalid_argument(std::string(what) + ": size " + std::to_string(h) + "x" + std::to_string(w) +
                                " must be positive");
}

// One output coordinate's input taps and weights, for separable resampling.
struct Taps {
  std::vector<std::vector<std::pair<int, float>>> of;
};

Taps area_taps(int in, int out) {
  Taps t;
  t.of.resize(out);
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    double lo = o * scale, hi = (o + 1) * scale;
    for (int i = static_cast<int>(std::floor(lo)); i < std::min(in, static_cast<int>(std::ceil(hi))); ++i) {
      double overlap = std::min(hi, i + 1.0) - std::max(lo, static_cast<double>(i));
      if (overlap > 1e-12) t.of[o].push_back({i, static_cast<float>(overlap / scale)});
    }
  }
  return t;
}

Taps bilinear_taps(int in, int out) {
  Taps t;
  t.of.resize(out);
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    double src = std::max(0.0, (o + 0.5) * scale - 0.5);
    int i0 = std::min(static_cast<int>(src), in - 1), i1 = std::min(i0 + 1, in - 1);
    float w1 = static_cast<float>(src - i0);
    t.of[o] = {{i0, 1.0f - w1}, {i1, w1}};
  }
  return t;
}

Image resample(const Image& in, const Taps& rows, const Taps& cols) {
  const int h = static_cast<int>(rows.of.size()), w = static_cast<int>(cols.of.size());
  Image tmp(in.channels, in.height, w), out(in.channels, h, w);
  for (int c = 0; c < in.channels; ++c) {
    for (int y = 0; y < in.height; ++y)
      for (int x = 0; x < w; ++x) {
        float acc = 0;
        for (const auto& [i, wt] : cols.of[x]) acc += wt * in.at(c, y, i);
        tmp.at(c, y, x) = acc;
      }
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        float acc = 0;
        for (const auto& [i, wt] : rows.of[y]) acc += wt * tmp.at(c, i, x);
        out.at(c, y, x) = acc;
      }
  }
  return out;
}

inline int level_of(float v) { return static_cast<int>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

// Bilinear sample at (y, x) in pixel-center coordinates; 0 outside the image.
float sample_zero(const Image& in, int c, double y, double x) {
  double fy = y - 0.5, fx = x - 0.5;  // to index coordinates
  int y0 = static_cast<int>(std::floor(fy)), x0 = static_cast<int>(std::floor(fx));
  double wy = fy - y0, wx = fx - x0;
  auto px = [&](int yy, int xx) -> double {
    return (yy < 0 || xx < 0 || yy >= in.height || xx >= in.width) ? 0.0 : in.at(c, yy, xx);
  };
  return static_cast<float>((px(y0, x0) * (1 - wx) + px(y0, x0 + 1) * wx) * (1 - wy) +
                            (px(y0 + 1, x0) * (1 - wx) + px(y0 + 1, x0 + 1) * wx) * wy);
}

}  // namespace

float sample_clamped(const Image& in, int c, double fy, double fx) {
  fy = std::clamp(fy, 0.0, in.height - 1.0);
  fx = std::clamp(fx, 0.0, in.width - 1.0);
  int y0 = static_cast<int>(fy), x0 = static_cast<int>(fx);
  int y1 = std::min(y0 + 1, in.height - 1), x1 = std::min(x0 + 1, in.width - 1);
  double wy = fy - y0, wx = fx - x0;
  return static_cast<float>((in.at(c, y0, x0) * (1 - wx) + in.at(c, y0, x1) * wx) * (1 - wy) +
                            (in.at(c, y1, x0) * (1 - wx) + in.at(c, y1, x1) * wx) * wy);
}

Image resize(const Image& in, int height, int width, ResizeMethod method) {
  check_size(height, width, "resize");
  if (height == in.height && width == in.width) return in;
  auto taps = [&](int n_in, int n_out) {
    return method == ResizeMethod::area && n_out < n_in ? area_taps(n_in, n_out) : bilinear_taps(n_in, n_out);
  };
  return resample(in, taps(in.height, height), taps(in.width, width));
}

Image center_crop(const Image& in, int height, int width) {
  check_size(height, width, "center_crop");
  if (height > in.height || width > in.width)
    throw std::invalid_argument("center_crop: " + std::to_string(height) + "x" + std::to_string(width) +
                                " is larger than the " + std::to_string(in.height) + "x" + std::to_string(in.width) +
                                " image (resize first)");
  const int top = (in.height - height) / 2, left = (in.width - width) / 2;
  Image out(in.channels, height, width);
  for (int c = 0; c < in.channels; ++c)
    for (int y = 0; y < height; ++y)
      std::copy_n(&in.pixels[(static_cast<size_t>(c) * in.height + top + y) * in.width + left], width,
                  &out.at(c, y, 0));
  return out;
}

Image lung_crop(const Image& in, const Image& mask, double margin) {
  const Image m = resize(mask, in.height, in.width, ResizeMethod::bilinear);
  int y0 = in.height, x0 = in.width, y1 = -1, x1 = -1;
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      if (m.at(0, y, x) >= 0.5f) y0 = std::min(y0, y), x0 = std::min(x0, x), y1 = std::max(y1, y), x1 = std::max(x1, x);
  if (y1 < 0) throw std::runtime_error("lung_crop: the lung mask is empty");
  const int gy = static_cast<int>(std::lround(margin * (y1 - y0 + 1))),
            gx = static_cast<int>(std::lround(margin * (x1 - x0 + 1)));
  y0 = std::max(0, y0 - gy), x0 = std::max(0, x0 - gx);
  y1 = std::min(in.height - 1, y1 + gy), x1 = std::min(in.width - 1, x1 + gx);
  Image out(in.channels, y1 - y0 + 1, x1 - x0 + 1);
  for (int c = 0; c < in.channels; ++c)
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) out.at(c, y - y0, x - x0) = in.at(c, y, x);
  return out;
}

Image crop_resize(const Image& in, double top, double left, double height, double width, int out_h, int out_w) {
  check_size(out_h, out_w, "crop_resize");
  Image out(in.channels, out_h, out_w);
  const double sy = height / out_h, sx = width / out_w;
  for (int c = 0; c < in.channels; ++c)
    for (int y = 0; y < out_h; ++y)
      for (int x = 0; x < out_w; ++x)
        out.at(c, y, x) = sample_clamped(in, c, top + (y + 0.5) * sy - 0.5, left + (x + 0.5) * sx - 0.5);
  return out;
}

Image clahe(const Image& in, double clip_limit, int tiles_y, int tiles_x) {
  if (tiles_y < 1 || tiles_x < 1 || tiles_y > in.height || tiles_x > in.width)
    throw std::invalid_argument("clahe: a " + std::to_string(tiles_y) + "x" + std::to_string(tiles_x) +
                                " tile grid does not fit a " + std::to_string(in.height) + "x" +
                                std::to_string(in.width) + " image");
  const int H = in.height, W = in.width;
  auto row_edge = [&](int i) { return static_cast<int>(static_cast<int64_t>(i) * H / tiles_y); };
  auto col_edge = [&](int j) { return static_cast<int>(static_cast<int64_t>(j) * W / tiles_x); };
  Image out(in.channels, H, W);
  std::vector<std::array<float, 256>> lut(static_cast<size_t>(tiles_y) * tiles_x);
  for (int c = 0; c < in.channels; ++c) {
    for (int ty = 0; ty < tiles_y; ++ty)
      for (int tx = 0; tx < tiles_x; ++tx) {
        std::array<int64_t, 256> hist{};
        const int y0 = row_edge(ty), y1 = row_edge(ty + 1), x0 = col_edge(tx), x1 = col_edge(tx + 1);
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) ++hist[level_of(in.at(c, y, x))];
        const int64_t pixels = static_cast<int64_t>(y1 - y0) * (x1 - x0);
        if (clip_limit > 0) {
          const int64_t limit = std::max<int64_t>(1, static_cast<int64_t>(clip_limit * pixels / 256.0));
          int64_t excess = 0;
          for (auto& h : hist)
            if (h > limit) excess += h - limit, h = limit;
          const int64_t batch = excess / 256;
          int64_t residual = excess % 256;
          for (auto& h : hist) h += batch;
          if (residual > 0) {
            const int64_t step = std::max<int64_t>(1, 256 / residual);
            for (int64_t i = 0; i < 256 && residual > 0; i += step, --residual) ++hist[i];
          }
        }
        int64_t cdf = 0;
        auto& table = lut[static_cast<size_t>(ty) * tiles_x + tx];
        for (int v = 0; v < 256; ++v) {
          cdf += hist[v];
          table[v] = static_cast<float>(std::lround(static_cast<double>(cdf) * 255.0 / pixels));
        }
      }
    // Blend the four nearest tiles' mappings; tile centers sit at the middle of each tile.
    const double tile_h = static_cast<double>(H) / tiles_y, tile_w = static_cast<double>(W) / tiles_x;
    for (int y = 0; y < H; ++y) {
      double fy = (y + 0.5) / tile_h - 0.5;
      int ty0 = static_cast<int>(std::floor(fy));
      double wy = fy - ty0;
      int ty1 = std::min(ty0 + 1, tiles_y - 1);
      ty0 = std::max(ty0, 0);
      for (int x = 0; x < W; ++x) {
        double fx = (x + 0.5) / tile_w - 0.5;
        int tx0 = static_cast<int>(std::floor(fx));
        double wx = fx - tx0;
        int tx1 = std::min(tx0 + 1, tiles_x - 1);
        tx0 = std::max(tx0, 0);
        const int v = level_of(in.at(c, y, x));
        auto L = [&](int ty, int tx) { return lut[static_cast<size_t>(ty) * tiles_x + tx][v]; };
        double r =
            (L(ty0, tx0) * (1 - wx) + L(ty0, tx1) * wx) * (1 - wy) + (L(ty1, tx0) * (1 - wx) + L(ty1, tx1) * wx) * wy;
        out.at(c, y, x) = static_cast<float>(r / 255.0);
      }
    }
  }
  return out;
}

Image equalize_histogram(const Image& in) {
  Image out(in.channels, in.height, in.width);
  const size_t n = static_cast<size_t>(in.height) * in.width;
  for (int c = 0; c < in.channels; ++c) {
    std::array<int64_t, 256> hist{};
    const float* p = in.plane(c);
    for (size_t i = 0; i < n; ++i) ++hist[level_of(p[i])];
    int64_t cdf_min = 0;
    for (int64_t h : hist)
      if (h > 0) {
        cdf_min = h;
        break;
      }
    std::array<float, 256> lut{};
    int64_t cdf = 0;
    for (int v = 0; v < 256; ++v) {
      cdf += hist[v];
      int64_t denom = static_cast<int64_t>(n) - cdf_min;
      lut[v] = denom > 0 ? static_cast<float>(std::lround(static_cast<double>(cdf - cdf_min) * 255.0 / denom)) / 255.0f
                         : static_cast<float>(v) / 255.0f;  // a constant image stays as it is
    }
    float* q = out.plane(c);
    for (size_t i = 0; i < n; ++i) q[i] = lut[level_of(p[i])];
  }
  return out;
}

Image gaussian_blur(const Image& in, double sigma) {
  if (!(sigma > 0)) throw std::invalid_argument("gaussian_blur: sigma must be positive, got " + std::to_string(sigma));
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> k(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (float& v : k) v = static_cast<float>(v / sum);
  Image tmp(in.channels, in.height, in.width), out(in.channels, in.height, in.width);
  for (int c = 0; c < in.channels; ++c) {
    for (int y = 0; y < in.height; ++y)
      for (int x = 0; x < in.width; ++x) {
        float acc = 0;
        for (int i = -r; i <= r; ++i) acc += k[i + r] * in.at(c, y, std::clamp(x + i, 0, in.width - 1));
        tmp.at(c, y, x) = acc;
      }
    for (int y = 0; y < in.height; ++y)
      for (int x = 0; x < in.width; ++x) {
        float acc = 0;
        for (int i = -r; i <= r; ++i) acc += k[i + r] * tmp.at(c, std::clamp(y + i, 0, in.height - 1), x);
        out.at(c, y, x) = acc;
      }
  }
  return out;
}

Image bilateral_filter(const Image& in, double sigma_space, double sigma_range) {
  if (!(sigma_space > 0) || !(sigma_range > 0))
    throw std::invalid_argument("bilateral: sigma_space and sigma_range must be positive");
  const int r = static_cast<int>(std::ceil(2 * sigma_space));
  std::vector<float> spatial((2 * r + 1) * (2 * r + 1));
  for (int dy = -r; dy <= r; ++dy)
    for (int dx = -r; dx <= r; ++dx)
      spatial[(dy + r) * (2 * r + 1) + dx + r] =
          static_cast<float>(std::exp(-(dx * dx + dy * dy) / (2 * sigma_space * sigma_space)));
  const float inv_range = static_cast<float>(-1.0 / (2 * sigma_range * sigma_range));
  Image out(in.channels, in.height, in.width);
  for (int c = 0; c < in.channels; ++c)
    for (int y = 0; y < in.height; ++y)
      for (int x = 0; x < in.width; ++x) {
        const float centre = in.at(c, y, x);
        float acc = 0, norm = 0;
        for (int dy = -r; dy <= r; ++dy) {
          const int yy = std::clamp(y + dy, 0, in.height - 1);
          for (int dx = -r; dx <= r; ++dx) {
            const float v = in.at(c, yy, std::clamp(x + dx, 0, in.width - 1));
            const float w =
                spatial[(dy + r) * (2 * r + 1) + dx + r] * std::exp((v - centre) * (v - centre) * inv_range);
            acc += w * v;
            norm += w;
          }
        }
        out.at(c, y, x) = acc / norm;
      }
  return out;
}

Image flip_horizontal(const Image& in) {
  Image out(in.channels, in.height, in.width);
  for (int c = 0; c < in.channels; ++c)
    for (int y = 0; y < in.height; ++y)
      for (int x = 0; x < in.width; ++x) out.at(c, y, x) = in.at(c, y, in.width - 1 - x);
  return out;
}

Image affine(const Image& in, double degrees, double scale, double dx, double dy) {
  if (!(scale > 0)) throw std::invalid_argument("affine: scale must be positive");
  const double t = degrees * M_PI / 180.0, ct = std::cos(t), st = std::sin(t);
  const double cy = in.height / 2.0, cx = in.width / 2.0;
  Image out(in.channels, in.height, in.width);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      // Inverse map: output pixel center back to the input. y grows downwards, so counter-clockwise on screen
      // is a rotation by -t in these coordinates.
      double u = (x + 0.5 - cx - dx) / scale, v = (y + 0.5 - cy - dy) / scale;
      double sx = ct * u - st * v + cx, sy = st * u + ct * v + cy;
      for (int c = 0; c < in.channels; ++c) out.at(c, y, x) = sample_zero(in, c, sy, sx);
    }
  return out;
}

Image normalize(const Image& in, const std::vector<float>& mean, const std::vector<float>& std) {
  if (mean.size() != static_cast<size_t>(in.channels) || std.size() != static_cast<size_t>(in.channels))
    throw std::invalid_argument("normalize: " + std::to_string(mean.size()) + " means and " +
                                std::to_string(std.size()) + " stds for a " + std::to_string(in.channels) +
                                "-channel image");
  Image out = in;
  const size_t n = static_cast<size_t>(in.height) * in.width;
  for (int c = 0; c < in.channels; ++c) {
    if (!(std[c] > 0)) throw std::invalid_argument("normalize: std must be positive");
    float* p = out.plane(c);
    for (size_t i = 0; i < n; ++i) p[i] = (p[i] - mean[c]) / std[c];
  }
  return out;
}

Image convert_channels(const Image& in, int channels) {
  if (in.channels == channels) return in;
  const size_t n = static_cast<size_t>(in.height) * in.width;
  if (in.channels == 1 && channels == 3) {
    Image out(3, in.height, in.width);
    for (int c = 0; c < 3; ++c) std::copy_n(in.plane(0), n, out.plane(c));
    return out;
  }
  if (in.channels == 3 && channels == 1) {
    Image out(1, in.height, in.width);
    for (size_t i = 0; i < n; ++i)
      out.pixels[i] = luminance(in.pixels[i], in.pixels[n + i], in.pixels[2 * n + i]);
    return out;
  }
  throw std::invalid_argument("channels: cannot convert " + std::to_string(in.channels) + " channels to " +
                              std::to_string(channels) + " (1 and 3 are supported)");
}

Image make_grid(const std::vector<Image>& tiles, int cols, int pad, float background) {
  if (tiles.empty()) throw std::invalid_argument("make_grid: no tiles");
  if (cols < 1) throw std::invalid_argument("make_grid: cols must be at least 1");
  int cell_h = 0, cell_w = 0;
  for (const auto& t : tiles) {
    if (t.channels != tiles[0].channels) throw std::invalid_argument("make_grid: tiles differ in channel count");
    cell_h = std::max(cell_h, t.height);
    cell_w = std::max(cell_w, t.width);
  }
  const int n = static_cast<int>(tiles.size()), rows = (n + cols - 1) / cols, used_cols = std::min(cols, n);
  Image grid(tiles[0].channels, rows * cell_h + (rows + 1) * pad, used_cols * cell_w + (used_cols + 1) * pad,
             background);
  for (int i = 0; i < n; ++i) {
    const Image& t = tiles[i];
    const int top = pad + (i / cols) * (cell_h + pad) + (cell_h - t.height) / 2;
    const int left = pad + (i % cols) * (cell_w + pad) + (cell_w - t.width) / 2;
    for (int c = 0; c < t.channels; ++c)
      for (int y = 0; y < t.height; ++y)
        for (int x = 0; x < t.width; ++x) grid.at(c, top + y, left + x) = t.at(c, y, x);
  }
  return grid;
}

}  // namespace thorax::data
