// `thorax explain`: Grad-CAM and Grad-CAM++ maps of a model for image files (train/gradcam.h), drawn as overlays,
// and — where lesions are known (boxes or masks, train/localization.h) — scored by the pointing game and IoU next
// to chance, per class. The images go through the preprocessing recorded in the model's card; lesion boxes are
// given in original-image pixels and scaled with the image, so the pipeline must not crop.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model.h"
#include "nn/model_card.h"

namespace thorax::train {

struct ExplainOptions {
  std::vector<std::string> images;
  std::vector<std::string> classes;  // class names; empty or {"all"}: every class
  std::string layer;                 // "" = the model's last stage
  std::string out_dir;               // overlays/ and explain.json go here
  std::string boxes;                 // BBox_List_2017.csv-format file, or ""
  std::string masks_dir;             // folder of <image stem>_<Finding>.png masks, or ""
  double threshold = 0.5;            // of the map's maximum, for IoU
  bool overlays = true;
  int batch = 8;
};

// Writes the overlays and explain.json; returns the JSON:
//   {"layer", "method_note", "images": [{"image", "class", "score", "overlay_gradcam", "overlay_gradcam_pp",
//     "lesion": null | {"area_fraction", "gradcam": {"hit", "iou"}, "gradcam_pp": {"hit", "iou"}}}],
//    "summary": [{"class", "explained", "with_lesion", "chance", "gradcam": {"pointing", "iou"},
//                 "gradcam_pp": {"pointing", "iou"}}], "skipped": [{"image", "reason"}]}
// where pointing is the hit rate over the images with a lesion of that class and chance the mean area fraction
// (null when no image had a lesion of that class).
nlohmann::json explain_images(models::Model& model, const nn::ModelCard& card, const ExplainOptions& options);

// The summary as a text table (one row per class).
std::string explain_table(const nlohmann::json& result);

}  // namespace thorax::train
