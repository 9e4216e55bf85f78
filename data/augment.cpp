#include "data/augment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "data/spec.h"
#include "data/transforms.h"

namespace thorax::data {

bool AugmentConfig::active() const {
  return random_resized_crop || flip_p > 0 || rotate_deg > 0 || scale_jitter > 0 || translate > 0 || jitter_p > 0 ||
         blur_p > 0 || elastic_p > 0;
}

nlohmann::json AugmentConfig::to_json() const {
  return {{"out", {out_h, out_w}},
          {"random_resized_crop", random_resized_crop},
          {"crop_scale", {crop_scale_lo, crop_scale_hi}},
          {"crop_ratio", {crop_ratio_lo, crop_ratio_hi}},
          {"flip_p", flip_p},
          {"rotate_deg", rotate_deg},
          {"scale_jitter", scale_jitter},
          {"translate", translate},
          {"jitter_p", jitter_p},
          {"brightness", brightness},
          {"contrast", contrast},
          {"blur", {blur_p, blur_sigma_lo, blur_sigma_hi}},
          {"elastic", {elastic_p, elastic_alpha, elastic_sigma}}};
}

namespace {

AugmentConfig named_preset(const std::string& name, int out_h, int out_w) {
  AugmentConfig c;
  c.out_h = out_h;
  c.out_w = out_w;
  if (name == "none") return c;
  if (name == "train") {
    c.random_resized_crop = true;
    c.crop_scale_lo = 0.7;
    c.rotate_deg = 15.0;
    c.jitter_p = 0.8;
    c.brightness = c.contrast = 0.2;
    return c;
  }
  if (name == "simclr") {
    c.random_resized_crop = true;
    c.flip_p = 0.5;
    c.jitter_p = 0.8;
    c.brightness = c.contrast = 0.8;
    c.blur_p = 0.5;
    return c;
  }
  throw std::invalid_argument("augmentation: unknown preset '" + name + "' (none, train, simclr)");
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double option_value(const std::string& spec, const std::string& key, const std::string& text, double lo, double hi) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !(v >= lo && v <= hi))
    throw std::invalid_argument("augmentation '" + spec + "': " + key + "=" + text + " is not a number in [" +
                                number(lo) + ", " + number(hi) + "]");
  return v;
}

}  // namespace

AugmentConfig augment_preset(const std::string& spec, int out_h, int out_w) {
  const size_t q = spec.find('?');
  AugmentConfig c = named_preset(spec.substr(0, q), out_h, out_w);
  if (q == std::string::npos) return c;
  for (const std::string& item : split_list(spec.substr(q + 1), '&')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("augmentation '" + spec + "': '" + item + "' is not key=value");
    const std::string key = item.substr(0, eq), text = item.substr(eq + 1);
    if (key == "crop") {  // the smallest crop area fraction; 1 turns the random crop off
      c.crop_scale_lo = option_value(spec, key, text, 0.01, 1.0);
      c.random_resized_crop = c.crop_scale_lo < 1.0;
    } else if (key == "flip") {
      c.flip_p = option_value(spec, key, text, 0.0, 1.0);
    } else if (key == "rotate") {
      c.rotate_deg = option_value(spec, key, text, 0.0, 180.0);
    } else if (key == "jitter") {  // brightness and contrast factors in [1 − v, 1 + v]
      c.brightness = c.contrast = option_value(spec, key, text, 0.0, 1.0);
      if (c.jitter_p == 0 && c.brightness > 0) c.jitter_p = 0.8;
    } else if (key == "jitter_p") {
      c.jitter_p = option_value(spec, key, text, 0.0, 1.0);
    } else if (key == "blur") {
      c.blur_p = option_value(spec, key, text, 0.0, 1.0);
    } else if (key == "translate") {
      c.translate = option_value(spec, key, text, 0.0, 0.5);
    } else if (key == "scale") {
      c.scale_jitter = option_value(spec, key, text, 0.0, 0.5);
    } else {
      throw std::invalid_argument("augmentation '" + spec + "': unknown option '" + key +
                                  "' (crop, flip, rotate, jitter, jitter_p, blur, translate, scale)");
    }
  }
  return c;
}

namespace {

// torchvision's RandomResizedCrop: up to 10 tries for a window of the drawn area and aspect ratio that fits,
// else the whole image center-cropped to the nearest allowed ratio.
void crop_window(const Image& in, const AugmentConfig& c, Rng& rng, double& top, double& left, double& h, double& w) {
  const double area = static_cast<double>(in.height) * in.width;
  for (int attempt = 0; attempt < 10; ++attempt) {
    double target = area * rng.uniform(c.crop_scale_lo, c.crop_scale_hi);
    double ratio = std::exp(rng.uniform(std::log(c.crop_ratio_lo), std::log(c.crop_ratio_hi)));
    w = std::round(std::sqrt(target * ratio));
    h = std::round(std::sqrt(target / ratio));
    if (w > 0 && h > 0 && w <= in.width && h <= in.height) {
      top = static_cast<double>(rng.integer(0, static_cast<int64_t>(in.height - h)));
      left = static_cast<double>(rng.integer(0, static_cast<int64_t>(in.width - w)));
      return;
    }
  }
  double ratio = static_cast<double>(in.width) / in.height;
  w = in.width;
  h = in.height;
  if (ratio < c.crop_ratio_lo) h = std::round(w / c.crop_ratio_lo);
  if (ratio > c.crop_ratio_hi) w = std::round(h * c.crop_ratio_hi);
  top = (in.height - h) / 2.0;
  left = (in.width - w) / 2.0;
}

Image elastic(const Image& in, double alpha, double sigma, Rng& rng) {
  // Simard et al. 2003: a random displacement field, smoothed by a gaussian, scaled to alpha pixels.
  Image field(2, in.height, in.width);
  for (float& v : field.pixels) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  field = gaussian_blur(field, sigma);
  float peak = 1e-6f;
  for (float v : field.pixels) peak = std::max(peak, std::fabs(v));
  Image out(in.channels, in.height, in.width);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      double sy = y + alpha * field.at(0, y, x) / peak, sx = x + alpha * field.at(1, y, x) / peak;
      for (int c = 0; c < in.channels; ++c) out.at(c, y, x) = sample_clamped(in, c, sy, sx);
    }
  return out;
}

}  // namespace

Image augment(const Image& in, const AugmentConfig& c, Rng& rng) {
  const int out_h = c.out_h > 0 ? c.out_h : in.height, out_w = c.out_w > 0 ? c.out_w : in.width;
  Image img;
  if (c.random_resized_crop) {
    double top, left, h, w;
    crop_window(in, c, rng, top, left, h, w);
    img = crop_resize(in, top, left, h, w, out_h, out_w);
  } else {
    img = resize(in, out_h, out_w, ResizeMethod::bilinear);
  }
  if (c.flip_p > 0 && rng.bernoulli(c.flip_p)) img = flip_horizontal(img);
  if (c.rotate_deg > 0 || c.scale_jitter > 0 || c.translate > 0) {
    double deg = rng.uniform(-c.rotate_deg, c.rotate_deg);
    double scale = 1.0 + rng.uniform(-c.scale_jitter, c.scale_jitter);
    double dx = rng.uniform(-c.translate, c.translate) * img.width,
           dy = rng.uniform(-c.translate, c.translate) * img.height;
    img = affine(img, deg, scale, dx, dy);
  }
  if (c.jitter_p > 0 && rng.bernoulli(c.jitter_p)) {
    // Brightness scales every value; contrast pulls values towards (or away from) the image mean.
    float b = static_cast<float>(rng.uniform(1.0 - c.brightness, 1.0 + c.brightness));
    float k = static_cast<float>(rng.uniform(std::max(0.0, 1.0 - c.contrast), 1.0 + c.contrast));
    double sum = 0;
    for (float& v : img.pixels) sum += v = std::clamp(v * b, 0.0f, 1.0f);
    float mean = static_cast<float>(sum / img.pixels.size());
    for (float& v : img.pixels) v = std::clamp(mean + k * (v - mean), 0.0f, 1.0f);
  }
  if (c.blur_p > 0 && rng.bernoulli(c.blur_p))
    img = gaussian_blur(img, rng.uniform(c.blur_sigma_lo, c.blur_sigma_hi) * img.width / 224.0);
  if (c.elastic_p > 0 && c.elastic_alpha > 0 && rng.bernoulli(c.elastic_p))
    img = elastic(img, c.elastic_alpha, c.elastic_sigma, rng);
  return img;
}

}  // namespace thorax::data
