// How well a heatmap points at a known lesion: the pointing game (does the map's maximum fall inside the lesion?)
// and the IoU of the map thresholded at a fraction of its maximum with the lesion region — each next to its chance
// level, the lesion's area fraction (the probability that a point drawn uniformly lands in it).
// Lesions come as boxes in NIH's BBox_List_2017.csv format (what the phantom generator also writes) or as mask
// PNGs named <image stem>_<Finding>.png (the phantom generator's masks/ folder).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace thorax::train {

struct LesionBox {
  std::string finding;
  double x = 0, y = 0, w = 0, h = 0;  // pixels of the original image
};

// image file name → its boxes. Rows that do not parse are an error naming the line.
std::map<std::string, std::vector<LesionBox>> read_bbox_csv(const std::string& path);

// A lesion region at map resolution (height × width, 1 = lesion).
std::vector<uint8_t> box_region(const LesionBox& box, double scale_x, double scale_y, int height, int width);

struct LocalizationScore {
  bool hit = false;           // the map's maximum lies in the region
  double iou = 0.0;           // of {map ≥ threshold} with the region
  double area_fraction = 0.0; // chance level of the pointing game
};

// map: height × width in [0, 1]; region: height × width 0/1 (must not be empty).
LocalizationScore score_localization(const float* map, const std::vector<uint8_t>& region, int height, int width,
                                     double threshold = 0.5);

}  // namespace thorax::train
