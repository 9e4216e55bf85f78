#include "train/explain.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "data/image.h"
#include "data/pipeline.h"
#include "data/png_writer.h"
#include "data/transforms.h"
#include "tensor/npy.h"
#include "train/gradcam.h"
#include "train/localization.h"
#include "train/overlay.h"
#include "train/run_dir.h"

namespace thorax::train {

namespace fs = std::filesystem;

namespace {

struct Prepared {
  std::string path, stem;
  data::Image shown;   // the model's view before normalization (for overlays)
  data::Image input;   // model input
  int orig_h = 0, orig_w = 0;
};

std::vector<int> class_indices(const nn::ModelCard& card, const std::vector<std::string>& names) {
  std::vector<int> out;
  if (names.empty() || (names.size() == 1 && names[0] == "all")) {
    for (size_t c = 0; c < card.classes.size(); ++c) out.push_back(static_cast<int>(c));
    return out;
  }
  for (const auto& n : names) {
    const auto it = std::find(card.classes.begin(), card.classes.end(), n);
    if (it == card.classes.end()) {
      std::string known;
      for (const auto& c : card.classes) known += (known.empty() ? "" : ", ") + c;
      throw std::invalid_argument("the model has no class '" + n + "' (its classes: " + known + ")");
    }
    out.push_back(static_cast<int>(it - card.classes.begin()));
  }
  return out;
}

// The union of the lesions of `finding` on one image at input resolution; empty when it has none.
std::vector<uint8_t> lesion_region(const Prepared& p, const std::string& finding, const ExplainOptions& o,
                                   const std::map<std::string, std::vector<LesionBox>>& boxes) {
  const int h = p.input.height, w = p.input.width;
  std::vector<uint8_t> region;
  auto merge = [&](const std::vector<uint8_t>& r) {
    if (region.empty()) region.assign(r.size(), 0);
    for (size_t i = 0; i < r.size(); ++i) region[i] |= r[i];
  };
  const auto it = boxes.find(fs::path(p.path).filename().string());
  if (it != boxes.end())
    for (const LesionBox& b : it->second)
      if (b.finding == finding) merge(box_region(b, static_cast<double>(w) / p.orig_w, static_cast<double>(h) / p.orig_h, h, w));
  if (!o.masks_dir.empty()) {
    const std::string mask_path = (fs::path(o.masks_dir) / (p.stem + "_" + finding + ".png")).string();
    if (fs::exists(mask_path)) {
      const data::Image m = data::resize(data::read_image(mask_path, 1), h, w, data::ResizeMethod::area);
      std::vector<uint8_t> r(m.pixels.size());
      for (size_t i = 0; i < r.size(); ++i) r[i] = m.pixels[i] >= 0.5f;
      merge(r);
    }
  }
  if (!region.empty() && std::find(region.begin(), region.end(), 1) == region.end()) region.clear();
  return region;
}

}  // namespace

nlohmann::json explain_images(models::Model& model, const nn::ModelCard& card, const ExplainOptions& o) {
  const data::Pipeline pipeline = data::Pipeline::from_json(card.preprocessing);
  const bool localize = !o.boxes.empty() || !o.masks_dir.empty();
  if (localize)
    for (const auto& step : pipeline.steps())
      if (step.op == "center_crop" || step.op == "lung_crop")
        throw std::invalid_argument("the model's preprocessing crops (" + step.op +
                                    "), so lesion boxes in image pixels cannot be placed on its maps");
  const std::vector<int> classes = class_indices(card, o.classes);
  const auto boxes = o.boxes.empty() ? std::map<std::string, std::vector<LesionBox>>{} : read_bbox_csv(o.boxes);
  RunDir out(o.out_dir);
  if (o.overlays) fs::create_directories(out.path("overlays"));

  nlohmann::json result = {{"layer", o.layer.empty() ? model.stages().back() : o.layer},
                           {"images", nlohmann::json::array()},
                           {"skipped", nlohmann::json::array()}};
  struct Tally {
    int explained = 0, lesions = 0, hits[2] = {0, 0};
    double iou[2] = {0, 0}, chance = 0;
  };
  std::vector<Tally> tally(classes.size());

  std::vector<Prepared> batch;
  auto run_batch = [&] {
    if (batch.empty()) return;
    const data::Image& first = batch.front().input;
    const int64_t per = static_cast<int64_t>(first.pixels.size());
    Tensor x = Tensor::empty({static_cast<int64_t>(batch.size()), first.channels, first.height, first.width});
    for (size_t b = 0; b < batch.size(); ++b)
      std::memcpy(x.data<float>() + b * per, batch[b].input.pixels.data(), per * sizeof(float));
    const CamMaps maps = grad_cam(model, x, o.layer, classes);
    for (size_t b = 0; b < batch.size(); ++b) {
      const Prepared& p = batch[b];
      for (size_t ci = 0; ci < classes.size(); ++ci) {
        const std::string& name = card.classes[classes[ci]];
        const std::vector<uint8_t> region = localize ? lesion_region(p, name, o, boxes) : std::vector<uint8_t>{};
        nlohmann::json row = {{"image", p.path}, {"class", name}, {"score", maps.scores[b * classes.size() + ci]},
                              {"lesion", nullptr}};
        Tally& t = tally[ci];
        ++t.explained;
        if (!region.empty()) {
          ++t.lesions;
          nlohmann::json les;
          for (int pp = 0; pp < 2; ++pp) {
            const LocalizationScore s = score_localization(maps.map(pp, b, ci), region, p.input.height, p.input.width, o.threshold);
            les[pp ? "gradcam_pp" : "gradcam"] = {{"hit", s.hit}, {"iou", s.iou}};
            les["area_fraction"] = s.area_fraction;
            t.hits[pp] += s.hit;
            t.iou[pp] += s.iou;
            if (pp == 0) t.chance += s.area_fraction;
          }
          row["lesion"] = les;
        }
        if (o.overlays)
          for (int pp = 0; pp < 2; ++pp) {
            const std::string file = "overlays/" + p.stem + "_" + name + (pp ? "_gradcam_pp" : "_gradcam") + ".png";
            data::write_png(out.path(file), heat_overlay(p.shown, maps.map(pp, b, ci), region));
            row[pp ? "overlay_gradcam_pp" : "overlay_gradcam"] = file;
          }
        result["images"].push_back(row);
      }
    }
    batch.clear();
  };

  for (const std::string& path : o.images) {
    Prepared p;
    p.path = path;
    p.stem = fs::path(path).stem().string();
    try {
      const data::Image gray = data::read_image(path, 1);
      p.orig_h = gray.height;
      p.orig_w = gray.width;
      p.input = pipeline.run(gray, [&p](const data::Image& im) {
        // What the model sees, before normalization, in gray (the channels step may have made it RGB).
        p.shown = data::Image(1, im.height, im.width);
        std::copy(im.pixels.begin(), im.pixels.begin() + static_cast<std::ptrdiff_t>(p.shown.pixels.size()), p.shown.pixels.begin());
        return im;
      });
    } catch (const std::exception& e) {
      result["skipped"].push_back({{"image", path}, {"reason", e.what()}});
      continue;
    }
    if (!batch.empty() && (p.input.height != batch.front().input.height || p.input.width != batch.front().input.width)) run_batch();
    batch.push_back(std::move(p));
    if (static_cast<int>(batch.size()) >= o.batch) run_batch();
  }
  run_batch();

  result["summary"] = nlohmann::json::array();
  for (size_t ci = 0; ci < classes.size(); ++ci) {
    const Tally& t = tally[ci];
    nlohmann::json s = {{"class", card.classes[classes[ci]]}, {"explained", t.explained}, {"with_lesion", t.lesions}};
    if (t.lesions > 0) {
      s["chance"] = t.chance / t.lesions;
      s["gradcam"] = {{"pointing", static_cast<double>(t.hits[0]) / t.lesions}, {"iou", t.iou[0] / t.lesions}};
      s["gradcam_pp"] = {{"pointing", static_cast<double>(t.hits[1]) / t.lesions}, {"iou", t.iou[1] / t.lesions}};
    } else {
      s["chance"] = nullptr;
      s["gradcam"] = nullptr;
      s["gradcam_pp"] = nullptr;
    }
    result["summary"].push_back(s);
  }
  write_json_file(out.path("explain.json"), result);
  return result;
}

std::string explain_table(const nlohmann::json& r) {
  std::string s;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-20s %9s %7s %8s %16s %16s %9s %9s\n", "class", "explained", "lesions", "chance",
                "pointing Grad-CAM", "pointing GC++", "IoU GC", "IoU GC++");
  s += buf;
  for (const auto& row : r["summary"]) {
    if (row["with_lesion"].get<int>() == 0) {
      std::snprintf(buf, sizeof buf, "%-20s %9d %7d %8s %16s %16s %9s %9s\n", row["class"].get<std::string>().c_str(),
                    row["explained"].get<int>(), 0, "-", "-", "-", "-", "-");
    } else {
      const double chance = row["chance"].get<double>();
      const double p0 = row["gradcam"]["pointing"].get<double>(), p1 = row["gradcam_pp"]["pointing"].get<double>();
      char a[32], b[32];
      std::snprintf(a, sizeof a, "%.2f (%.1fx)", p0, p0 / chance);
      std::snprintf(b, sizeof b, "%.2f (%.1fx)", p1, p1 / chance);
      std::snprintf(buf, sizeof buf, "%-20s %9d %7d %8.3f %16s %16s %9.3f %9.3f\n", row["class"].get<std::string>().c_str(),
                    row["explained"].get<int>(), row["with_lesion"].get<int>(), chance, a, b,
                    row["gradcam"]["iou"].get<double>(), row["gradcam_pp"]["iou"].get<double>());
    }
    s += buf;
  }
  return s;
}

}  // namespace thorax::train
