// The preprocessing pipeline of the Contracts: an ordered list of steps, written as JSON, that turns a decoded
// image into model input. The same object drives training, eval and predict and is stored in the weights file.
//
//   [{"op": "resize", "size": [256, 256], "method": "area"},
//    {"op": "clahe", "clip_limit": 2.0, "tiles": [8, 8]},
//    {"op": "center_crop", "size": [224, 224]},
//    {"op": "channels", "n": 3},
//    {"op": "normalize", "preset": "imagenet"}]
//
// Ops: resize (size [h, w], method area|bilinear), center_crop (size), lung_crop (margin: the lung fields' bounding
// box from the sample's lung mask, grown by margin × its size on each side; it must come before any center_crop so
// the mask still covers the whole frame), clahe (clip_limit, tiles [ty, tx]),
// equalize, gaussian_blur (sigma), bilateral (sigma_space, sigma_range), channels (n: 1 or 3), normalize (preset
// unit | imagenet | xrv, or mean and std lists). Presets: unit leaves [0,1] as is; imagenet subtracts
// (0.485, 0.456, 0.406) and divides by (0.229, 0.224, 0.225) — on one channel their averages 0.449 / 0.226;
// xrv maps [0,1] to TorchXRayVision's [−1024, 1024]. Augmentation, when training, runs just before normalize;
// normalize is therefore allowed only as the last step.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/image.h"

namespace thorax::data {

struct PipelineStep {
  std::string op;
  int height = 0, width = 0;       // resize, center_crop
  std::string method = "area";     // resize
  double clip_limit = 2.0;         // clahe
  int tiles_y = 8, tiles_x = 8;    // clahe
  double sigma = 1.0;              // gaussian_blur; bilateral: sigma_space
  double sigma_range = 0.1;        // bilateral
  double margin = 0.05;            // lung_crop
  int channels = 1;                // channels
  std::string preset;              // normalize ("" when mean/std are given)
  std::vector<float> mean, std;    // normalize
};

class Pipeline {
 public:
  Pipeline() = default;
  explicit Pipeline(std::vector<PipelineStep> steps);  // checks the order rules

  // Parses a JSON array (text or a file's contents); errors name the step index and the key.
  static Pipeline from_json(const nlohmann::json& j);
  static Pipeline parse(const std::string& text);
  nlohmann::json to_json() const;

  // Runs every step; `before_normalize` (augmentation) runs just before the final normalize step, or at the end.
  // `lung_mask` is the sample's lung-field mask, needed only by lung_crop.
  Image run(const Image& in, const std::function<Image(const Image&)>& before_normalize = {},
            const Image* lung_mask = nullptr) const;
  bool needs_lung_mask() const;

  const std::vector<PipelineStep>& steps() const { return steps_; }
  // Output size and channels when they are fixed by the steps (0 when they follow the input).
  int output_height() const;
  int output_width() const;
  int output_channels(int input_channels) const;

 private:
  std::vector<PipelineStep> steps_;
};

// resize to size × size (area), then normalize (unit).
Pipeline default_pipeline(int size);

// The normalize preset's per-channel mean and std.
void normalize_preset(const std::string& preset, int channels, std::vector<float>& mean, std::vector<float>& std);

}  // namespace thorax::data
