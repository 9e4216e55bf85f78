#include "data/pipeline.h"

#include <cmath>
#include <set>
#include <stdexcept>

#include "data/spec.h"
#include "data/transforms.h"

namespace thorax::data {

namespace {

using nlohmann::json;

const std::map<std::string, std::set<std::string>>& op_keys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"resize", {"size", "method"}},
      {"center_crop", {"size"}},
      {"lung_crop", {"margin"}},
      {"clahe", {"clip_limit", "tiles"}},
      {"equalize", {}},
      {"gaussian_blur", {"sigma"}},
      {"bilateral", {"sigma_space", "sigma_range"}},
      {"channels", {"n"}},
      {"normalize", {"preset", "mean", "std"}},
  };
  return keys;
}

std::vector<std::string> op_names() {
  std::vector<std::string> out;
  for (const auto& [k, v] : op_keys()) out.push_back(k);
  return out;
}

// A pipeline can come from a stranger's weights file and runs on every image, so each number is bounded here,
// before anything is allocated or cast: sizes to what an image may be (image.h), tile grids, filter radii and
// margins to far beyond any sensible value.
constexpr int64_t kMaxSide = 65536;
constexpr int64_t kMaxTiles = 256;
constexpr double kMaxBlurSigma = 100, kMaxBilateralSigma = 25, kMaxMargin = 10, kMaxClipLimit = 1000;

// [h, w] or a single number for a square, each in 1..max_side, their product at most max_area.
void read_pair(const json& v, int& a, int& b, const std::string& where, int64_t max_side, int64_t max_area) {
  int64_t h = 0, w = 0;
  if (v.is_number_integer()) {
    h = w = v.get<int64_t>();
  } else if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) {
    h = v[0].get<int64_t>();
    w = v[1].get<int64_t>();
  } else {
    throw std::invalid_argument(where + " must be an integer or a pair [h, w], got " + v.dump());
  }
  if (h <= 0 || w <= 0) throw std::invalid_argument(where + " must be positive, got " + v.dump());
  if (h > max_side || w > max_side || h * w > max_area)
    throw std::invalid_argument(where + " " + v.dump() + " is too large (at most " + std::to_string(max_side) +
                                " per side and " + std::to_string(max_area) + " in all)");
  a = static_cast<int>(h);
  b = static_cast<int>(w);
}

// A number within [lo, hi] (NaN is outside every range).
double read_number(const json& step, const char* key, double fallback, const std::string& where, double lo,
                   double hi) {
  if (!step.contains(key)) return fallback;
  if (!step[key].is_number())
    throw std::invalid_argument(where + "." + key + " must be a number, got " + step[key].dump());
  const double v = step[key].get<double>();
  if (!(v >= lo && v <= hi))
    throw std::invalid_argument(where + "." + key + " must be in [" + json(lo).dump() + ", " + json(hi).dump() +
                                "], got " + step[key].dump());
  return v;
}

// A list of finite numbers (normalize's mean and std).
std::vector<float> read_floats(const json& step, const char* key, const std::string& where) {
  const json& v = step[key];
  bool ok = v.is_array();
  for (const auto& x : v) ok = ok && x.is_number() && std::isfinite(x.get<double>()) && std::abs(x.get<double>()) < 1e30;
  if (!ok) throw std::invalid_argument(where + "." + key + " must be a list of numbers, got " + v.dump());
  return v.get<std::vector<float>>();
}

}  // namespace

void normalize_preset(const std::string& preset, int channels, std::vector<float>& mean, std::vector<float>& std) {
  if (preset == "unit") {
    mean.assign(channels, 0.0f);
    std.assign(channels, 1.0f);
  } else if (preset == "imagenet") {
    if (channels == 3) {
      mean = {0.485f, 0.456f, 0.406f};
      std = {0.229f, 0.224f, 0.225f};
    } else {
      mean.assign(channels, (0.485f + 0.456f + 0.406f) / 3.0f);
      std.assign(channels, (0.229f + 0.224f + 0.225f) / 3.0f);
    }
  } else if (preset == "xrv") {  // v·2048 − 1024 written as (v − 0.5) / (1/2048)
    mean.assign(channels, 0.5f);
    std.assign(channels, 1.0f / 2048.0f);
  } else {
    throw std::invalid_argument("normalize: unknown preset '" + preset + "' (unit, imagenet, xrv)");
  }
}

Pipeline::Pipeline(std::vector<PipelineStep> steps) : steps_(std::move(steps)) {
  bool cropped = false;
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (steps_[i].op == "normalize" && i + 1 < steps_.size())
      throw std::invalid_argument("pipeline step " + std::to_string(i) +
                                  ": normalize must be the last step (augmentation runs just before it)");
    if (steps_[i].op == "lung_crop" && cropped)
      throw std::invalid_argument("pipeline step " + std::to_string(i) +
                                  ": lung_crop must come before center_crop (the lung mask covers the whole frame)");
    cropped = cropped || steps_[i].op == "center_crop";
  }
}

Pipeline Pipeline::from_json(const json& j) {
  if (!j.is_array()) throw std::invalid_argument("pipeline: expected a JSON array of steps, got " + j.dump());
  std::vector<PipelineStep> steps;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& s = j[i];
    const std::string where = "pipeline step " + std::to_string(i);
    if (!s.is_object() || !s.contains("op") || !s["op"].is_string())
      throw std::invalid_argument(where + ": expected {\"op\": NAME, ...}, got " + s.dump());
    PipelineStep p;
    p.op = s["op"].get<std::string>();
    auto known = op_keys().find(p.op);
    if (known == op_keys().end())
      throw std::invalid_argument(where + ": unknown op '" + p.op + "' (known: " + join(op_names()) + ")");
    for (const auto& [key, value] : s.items())
      if (key != "op" && !known->second.count(key))
        throw std::invalid_argument(where + " (" + p.op + "): unknown key '" + key + "' (allowed: " +
                                    join(std::vector<std::string>(known->second.begin(), known->second.end())) + ")");
    const std::string at = where + " (" + p.op + ")";
    if (p.op == "resize" || p.op == "center_crop") {
      if (!s.contains("size")) throw std::invalid_argument(at + ": needs \"size\"");
      read_pair(s["size"], p.height, p.width, at + ".size", kMaxSide, kMaxImagePixels);
      if (p.op == "resize") {
        if (s.contains("method") && !s["method"].is_string())
          throw std::invalid_argument(at + ".method must be area or bilinear, got " + s["method"].dump());
        p.method = s.value("method", "area");
        if (p.method != "area" && p.method != "bilinear")
          throw std::invalid_argument(at + ".method must be area or bilinear, got '" + p.method + "'");
      }
    } else if (p.op == "lung_crop") {
      p.margin = read_number(s, "margin", 0.05, at, 0, kMaxMargin);
    } else if (p.op == "clahe") {
      p.clip_limit = read_number(s, "clip_limit", 2.0, at, 0, kMaxClipLimit);
      if (s.contains("tiles")) read_pair(s["tiles"], p.tiles_y, p.tiles_x, at + ".tiles", kMaxTiles, kMaxTiles * kMaxTiles);
    } else if (p.op == "gaussian_blur") {
      p.sigma = read_number(s, "sigma", 1.0, at, 0, kMaxBlurSigma);
      if (!(p.sigma > 0)) throw std::invalid_argument(at + ".sigma must be positive");
    } else if (p.op == "bilateral") {
      p.sigma = read_number(s, "sigma_space", 2.0, at, 0, kMaxBilateralSigma);
      p.sigma_range = read_number(s, "sigma_range", 0.1, at, 0, 1e6);
      if (!(p.sigma > 0) || !(p.sigma_range > 0)) throw std::invalid_argument(at + ": sigmas must be positive");
    } else if (p.op == "channels") {
      const double n = read_number(s, "n", 1, at, 1, 3);
      if (n != 1 && n != 3) throw std::invalid_argument(at + ".n must be 1 or 3");
      p.channels = static_cast<int>(n);
    } else if (p.op == "normalize") {
      if (s.contains("preset")) {
        if (!s["preset"].is_string()) throw std::invalid_argument(at + ".preset must be a name, got " + s["preset"].dump());
        p.preset = s["preset"].get<std::string>();
        std::vector<float> m, d;
        try {
          normalize_preset(p.preset, 1, m, d);  // validates the name
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument(at + ": " + e.what());
        }
      } else if (s.contains("mean") && s.contains("std")) {
        p.mean = read_floats(s, "mean", at);
        p.std = read_floats(s, "std", at);
        if (p.mean.empty() || p.mean.size() != p.std.size())
          throw std::invalid_argument(at + ": mean and std need the same number of values (one per channel)");
        for (float v : p.std)
          if (!(v > 0)) throw std::invalid_argument(at + ".std values must be positive, got " + s["std"].dump());
      } else {
        throw std::invalid_argument(at + ": needs \"preset\" or both \"mean\" and \"std\"");
      }
    }
    steps.push_back(p);
  }
  return Pipeline(std::move(steps));
}

Pipeline Pipeline::parse(const std::string& text) {
  // A pipeline nests three levels (steps, step, size pair); far deeper text is refused while parsing, before the
  // recursive printing of a value in an error message could exhaust the stack on it.
  constexpr int kMaxDepth = 16;
  auto bounded = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) && depth >= kMaxDepth)
      throw std::invalid_argument("pipeline: nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return true;
  };
  json j;
  try {
    j = json::parse(text, bounded);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number beyond double's range
    throw std::invalid_argument(std::string("pipeline: not valid JSON (") + e.what() + ")");
  }
  return from_json(j);
}

json Pipeline::to_json() const {
  json out = json::array();
  for (const auto& p : steps_) {
    json s = {{"op", p.op}};
    if (p.op == "resize") s["size"] = {p.height, p.width}, s["method"] = p.method;
    if (p.op == "center_crop") s["size"] = {p.height, p.width};
    if (p.op == "lung_crop") s["margin"] = p.margin;
    if (p.op == "clahe") s["clip_limit"] = p.clip_limit, s["tiles"] = {p.tiles_y, p.tiles_x};
    if (p.op == "gaussian_blur") s["sigma"] = p.sigma;
    if (p.op == "bilateral") s["sigma_space"] = p.sigma, s["sigma_range"] = p.sigma_range;
    if (p.op == "channels") s["n"] = p.channels;
    if (p.op == "normalize") {
      if (!p.preset.empty())
        s["preset"] = p.preset;
      else
        s["mean"] = p.mean, s["std"] = p.std;
    }
    out.push_back(s);
  }
  return out;
}

bool Pipeline::needs_lung_mask() const {
  for (const auto& p : steps_)
    if (p.op == "lung_crop") return true;
  return false;
}

Image Pipeline::run(const Image& in, const std::function<Image(const Image&)>& before_normalize,
                    const Image* lung_mask) const {
  Image img = in;
  bool augmented = false;
  for (const auto& p : steps_) {
    if (p.op == "resize") {
      img = resize(img, p.height, p.width, p.method == "area" ? ResizeMethod::area : ResizeMethod::bilinear);
    } else if (p.op == "center_crop") {
      img = center_crop(img, p.height, p.width);
    } else if (p.op == "lung_crop") {
      if (!lung_mask)
        throw std::invalid_argument("pipeline: lung_crop needs the sample's lung mask, and none was given");
      img = data::lung_crop(img, *lung_mask, p.margin);
    } else if (p.op == "clahe") {
      img = clahe(img, p.clip_limit, p.tiles_y, p.tiles_x);
    } else if (p.op == "equalize") {
      img = equalize_histogram(img);
    } else if (p.op == "gaussian_blur") {
      img = gaussian_blur(img, p.sigma);
    } else if (p.op == "bilateral") {
      img = bilateral_filter(img, p.sigma, p.sigma_range);
    } else if (p.op == "channels") {
      img = convert_channels(img, p.channels);
    } else if (p.op == "normalize") {
      if (before_normalize) img = before_normalize(img);
      augmented = true;
      std::vector<float> mean = p.mean, std = p.std;
      if (!p.preset.empty()) normalize_preset(p.preset, img.channels, mean, std);
      img = normalize(img, mean, std);
    }
  }
  if (!augmented && before_normalize) img = before_normalize(img);
  return img;
}

int Pipeline::output_height() const {
  int h = 0;
  for (const auto& p : steps_)
    if (p.op == "resize" || p.op == "center_crop") h = p.height;
  return h;
}

int Pipeline::output_width() const {
  int w = 0;
  for (const auto& p : steps_)
    if (p.op == "resize" || p.op == "center_crop") w = p.width;
  return w;
}

int Pipeline::output_channels(int input_channels) const {
  int c = input_channels;
  for (const auto& p : steps_)
    if (p.op == "channels") c = p.channels;
  return c;
}

Pipeline default_pipeline(int size) {
  return Pipeline::parse(R"([{"op": "resize", "size": )" + std::to_string(size) +
                         R"(, "method": "area"}, {"op": "normalize", "preset": "unit"}])");
}

}  // namespace thorax::data
