#include "train/localization.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "tensor/npy.h"

namespace thorax::train {

std::map<std::string, std::vector<LesionBox>> read_bbox_csv(const std::string& path) {
  std::istringstream in(read_file_bytes(path));
  std::map<std::string, std::vector<LesionBox>> boxes;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 || line.empty()) continue;  // the header
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    LesionBox b;
    try {
      if (f.size() < 6) throw std::invalid_argument("too few columns");
      b.finding = f[1];
      b.x = std::stod(f[2]), b.y = std::stod(f[3]), b.w = std::stod(f[4]), b.h = std::stod(f[5]);
    } catch (const std::exception&) {
      throw std::runtime_error(path + " line " + std::to_string(number) +
                               ": expected 'image,finding,x,y,w,h' (BBox_List_2017.csv format), got '" + line + "'");
    }
    if (b.w <= 0 || b.h <= 0)
      throw std::runtime_error(path + " line " + std::to_string(number) + ": the box has no area");
    boxes[f[0]].push_back(b);
  }
  return boxes;
}

std::vector<uint8_t> box_region(const LesionBox& box, double sx, double sy, int height, int width) {
  std::vector<uint8_t> r(static_cast<size_t>(height) * width, 0);
  const int x0 = std::max(0, static_cast<int>(std::floor(box.x * sx)));
  const int y0 = std::max(0, static_cast<int>(std::floor(box.y * sy)));
  const int x1 = std::min(width, static_cast<int>(std::ceil((box.x + box.w) * sx)));
  const int y1 = std::min(height, static_cast<int>(std::ceil((box.y + box.h) * sy)));
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) r[static_cast<size_t>(y) * width + x] = 1;
  return r;
}

LocalizationScore score_localization(const float* map, const std::vector<uint8_t>& region, int height, int width,
                                     double threshold) {
  const size_t n = static_cast<size_t>(height) * width;
  if (region.size() != n) throw std::invalid_argument("score_localization: the region's size differs from the map's");
  LocalizationScore s;
  size_t inside = 0, both = 0, either = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool in_map = map[i] >= threshold, in_region = region[i] != 0;
    inside += in_region;
    both += in_map && in_region;
    either += in_map || in_region;
  }
  if (inside == 0) throw std::invalid_argument("score_localization: the lesion region is empty at map resolution");
  s.hit = region[std::max_element(map, map + n) - map] != 0;
  s.iou = either > 0 ? static_cast<double>(both) / static_cast<double>(either) : 0.0;
  s.area_fraction = static_cast<double>(inside) / static_cast<double>(n);
  return s;
}

}  // namespace thorax::train
