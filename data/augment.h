// Random augmentation, deterministic for a seed: each call draws from the Rng it is given, and the loader gives
// every (epoch, sample, view) its own stream, so results never depend on thread count.
//
// Order: random resized crop (or a plain resize to the output size), horizontal flip, affine (rotation, scale,
// shift), brightness/contrast jitter, gaussian blur, elastic deformation. A horizontal flip moves the heart to the
// right side of the image: off by default for supervised training, on in SimCLR as in its paper.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "data/image.h"
#include "data/random.h"

namespace thorax::data {

struct AugmentConfig {
  int out_h = 0, out_w = 0;  // output size; 0 keeps the input size
  bool random_resized_crop = false;
  double crop_scale_lo = 0.08, crop_scale_hi = 1.0;  // fraction of the image area
  double crop_ratio_lo = 3.0 / 4.0, crop_ratio_hi = 4.0 / 3.0;
  double flip_p = 0.0;
  double rotate_deg = 0.0;       // uniform in ±rotate_deg
  double scale_jitter = 0.0;     // affine scale uniform in 1 ± scale_jitter
  double translate = 0.0;        // affine shift uniform in ± translate · size
  double jitter_p = 0.0;         // probability of brightness/contrast jitter
  double brightness = 0.0, contrast = 0.0;  // factors uniform in [1 − b, 1 + b]
  double blur_p = 0.0, blur_sigma_lo = 0.1, blur_sigma_hi = 2.0;  // sigma in pixels of a 224-pixel image
  double elastic_p = 0.0, elastic_alpha = 0.0, elastic_sigma = 8.0;  // displacement (pixels) and smoothness

  bool active() const;
  nlohmann::json to_json() const;
};

// Named settings: "none"; "train" (crop scale 0.7–1, rotation ±15°, brightness/contrast ±0.2 with p 0.8);
// "simclr" (crop scale 0.08–1, flip 0.5, brightness/contrast ±0.8 with p 0.8, blur p 0.5 σ 0.1–2; SimCLR's
// recipe without the color terms a grayscale image has no use for). A preset may be changed by options,
// "PRESET?key=value&...": crop (smallest crop area fraction; 1 = no crop), flip, rotate (degrees), jitter
// (brightness/contrast ± v), jitter_p, blur (probability), translate, scale; e.g. "simclr?crop=0.3&jitter=0.4".
AugmentConfig augment_preset(const std::string& spec, int out_h, int out_w);

Image augment(const Image& in, const AugmentConfig& config, Rng& rng);

}  // namespace thorax::data
