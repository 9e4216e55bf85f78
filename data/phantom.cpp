// The phantom drawing. Everything is drawn in "anatomy coordinates": x across the chest with 0 on the midline
// (negative = image left = the patient's right, as a PA film is viewed), y from the top of the image (0) to its
// bottom (1). Each image maps pixels to these coordinates through its own scale, shift and rotation, so masks
// and image always agree. The image is built as an attenuation map A (soft tissue ≈ 0.55, lungs ≈ 0.2, bone and
// heart brighter), then mapped to film brightness, blurred and given quantum noise.
#include "data/phantom.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "data/random.h"

namespace thorax::data {

const std::vector<std::string>& phantom_findings() {
  static const std::vector<std::string> names = {"Atelectasis", "Cardiomegaly", "Consolidation", "Effusion",
                                                 "Mass",        "Nodule",       "Pneumonia",     "Pneumothorax"};
  return names;
}

std::map<std::string, double> default_prevalence() {
  return {{"Atelectasis", 0.10}, {"Cardiomegaly", 0.08}, {"Consolidation", 0.06}, {"Effusion", 0.10},
          {"Mass", 0.03},        {"Nodule", 0.06},       {"Pneumonia", 0.05},     {"Pneumothorax", 0.02}};
}

std::vector<std::string> PhantomCase::findings() const {
  std::vector<std::string> out;
  for (const auto& f : phantom_findings())
    for (const auto& l : lesions)
      if (l.finding == f) {
        out.push_back(f);
        break;
      }
  return out;
}

namespace {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }
// sqrt(x² + y²) without std::hypot's overflow care, which costs a fifth of the drawing time and is not needed here.
double dist(double x, double y) { return std::sqrt(x * x + y * y); }
double smoothstep(double e0, double e1, double x) {
  double t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3.0 - 2.0 * t);
}
// 1 well inside (d > e), 0 well outside (d < -e), smooth across the edge: anti-aliased shapes.
double inside(double d, double e) { return smoothstep(-e, e, d); }

struct Segment {
  double x0, y0, x1, y1, radius, density;
};

double segment_distance(const Segment& s, double x, double y) {
  double dx = s.x1 - s.x0, dy = s.y1 - s.y0;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? clamp01(((x - s.x0) * dx + (y - s.y0) * dy) / len2) : 0.0;
  return dist(x - (s.x0 + t * dx), y - (s.y0 + t * dy));
}

// Smooth random values on a coarse grid over [0,1]², interpolated: lumpy textures for patchy opacities.
struct ValueNoise {
  static constexpr int kGrid = 7;
  double v[kGrid + 1][kGrid + 1];
  explicit ValueNoise(Rng& rng) {
    for (auto& row : v)
      for (double& x : row) x = rng.uniform();
  }
  double at(double x, double y) const {  // x, y anywhere: wrapped into the grid
    double gx = (x - std::floor(x)) * kGrid, gy = (y - std::floor(y)) * kGrid;
    int ix = static_cast<int>(gx), iy = static_cast<int>(gy);
    double fx = smoothstep(0, 1, gx - ix), fy = smoothstep(0, 1, gy - iy);
    return (v[iy][ix] * (1 - fx) + v[iy][ix + 1] * fx) * (1 - fy) +
           (v[iy + 1][ix] * (1 - fx) + v[iy + 1][ix + 1] * fx) * fy;
  }
};

// A patient's anatomy. Side 0 is the image left (patient's right lung), side 1 the image right.
struct Anatomy {
  double medi = 0.055;     // half-width of the mediastinum
  double lung_w = 0.31;    // lateral scale of each lung
  double top = 0.1;        // lung apex
  double base[2] = {0.66, 0.69};  // top of each hemidiaphragm dome (the right one sits higher)
  double body_w = 0.43, neck_w = 0.1;
  double hilum_y = 0.42;
  double rib_y0 = 0.15, rib_step = 0.055;
  double ctr_target = 0.42;  // the cardiothoracic ratio the heart is sized for
  double heart_scale = 1.0, heart_cx = 0.02, heart_cy = 0.6;
  ValueNoise texture;        // lung parenchyma mottling
  double arm_w = 0.0;      // 0: arms raised out of the field
  bool female = false;
  std::vector<Segment> vessels[2], bones;  // lung markings; clavicles
  double thorax_half() const { return medi + 1.1 * lung_w; }
  double sign(int side) const { return side == 0 ? -1.0 : 1.0; }

  // Lung height fraction at y: 0 at the apex, 1 at the dome top.
  double t_of(int side, double y) const { return (y - top) / (base[side] - top); }
  // Lateral and medial edges (distance from the midline) at height y.
  // The lateral border is convex and widest at the base; the apex is a rounded cap.
  void edges(int side, double y, double& medial, double& lateral) const {
    double t = clamp01(t_of(side, y));  // below the dome top the recess keeps the base width
    double lat = medi + lung_w * (0.4 + 0.7 * std::sqrt(t));
    double med = medi + lung_w * 0.04;
    double u = clamp01(t_of(side, y) / 0.12);
    double centre = 0.5 * (lat + med), half = 0.5 * (lat - med) * std::sqrt(u * (2.0 - u));
    medial = centre - half;
    lateral = centre + half;
  }
  // The hemidiaphragm: highest mid-lung, dipping into the costophrenic recess laterally (a sharp angle).
  double dome(int side, double ax) const {
    double u = (ax - (medi + 0.45 * lung_w)) / (0.65 * lung_w);
    return base[side] + (u > 0 ? 0.065 : 0.035) * u * u;
  }
  // X-ray path length through the lung, relative: thin at the borders and behind the dome, thick centrally.
  double depth(int side, double x, double y) const {
    double medial, lateral;
    edges(side, y, medial, lateral);
    if (lateral <= medial) return 0.0;
    double pos = clamp01((sign(side) * x - medial) / (lateral - medial));
    return std::sqrt(std::sin(M_PI * pos)) * (0.5 + 0.5 * smoothstep(0.0, 0.08, dome(side, sign(side) * x) - y));
  }
  // How much of (x, y) is lung of `side` (0..1, soft edges of width e).
  explicit Anatomy(Rng& rng) : texture(rng) {}
  // The cardiac silhouette: a tilted left ventricle (apex down and to the patient's left) and the right atrium,
  // standing on the left hemidiaphragm. Unit scale is a normal heart.
  double heart(double x, double y, double e) const {
    const double s = heart_scale, lx = (x - heart_cx) / s, ly = (y - heart_cy) / s;
    const double c = std::cos(0.45), sn = std::sin(0.45);
    double ux = c * (lx - 0.04) + sn * ly, uy = -sn * (lx - 0.04) + c * ly;
    double lv = (1.0 - dist(ux / 0.15, uy / 0.105)) * 0.105;
    double ra = (1.0 - dist((lx + 0.09) / 0.07, (ly + 0.01) / 0.1)) * 0.07;
    return inside(std::max(lv, ra) * s, e) * inside(base[1] + 0.015 - y, e);
  }
  // Sizes and places the heart for ctr_target; returns the ratio as drawn. The widest extent is analytic: the
  // right atrium's leftmost point and the tilted ventricle's rightmost point, both above the diaphragm cut.
  double fit_heart() {
    const double c = std::cos(0.45), sn = std::sin(0.45);
    const double unit_width = (0.09 + 0.07) + 0.04 + dist(0.15 * c, 0.105 * sn);
    heart_scale = ctr_target * 2.0 * thorax_half() / unit_width;
    heart_cx = 0.02 + 0.03 * (heart_scale - 1.0);
    heart_cy = base[1] + 0.01 - 0.09 * heart_scale;
    return heart_scale * unit_width / (2.0 * thorax_half());
  }
  double lung(int side, double x, double y, double e) const {
    double ax = sign(side) * x;
    if (ax <= 0 || y < top - e) return 0.0;
    double medial, lateral;
    edges(side, y, medial, lateral);
    if (lateral <= medial) return 0.0;
    return inside(lateral - ax, e) * inside(ax - medial, e) * inside(dome(side, ax) - y, e);
  }
};

void add_vessel_tree(Rng& rng, std::vector<Segment>& out, double x, double y, double angle, int depth, double sign) {
  static const double length[4] = {0.085, 0.07, 0.05, 0.035}, radius[4] = {0.005, 0.0035, 0.0024, 0.0016},
                      density[4] = {0.1, 0.08, 0.06, 0.045};
  double len = length[depth] * rng.uniform(0.8, 1.2);
  double x1 = x + sign * len * std::cos(angle), y1 = y + len * std::sin(angle);
  out.push_back({x, y, x1, y1, radius[depth], density[depth]});
  if (depth == 3) return;
  add_vessel_tree(rng, out, x1, y1, angle - rng.uniform(0.25, 0.6), depth + 1, sign);
  add_vessel_tree(rng, out, x1, y1, angle + rng.uniform(0.25, 0.6), depth + 1, sign);
}

Anatomy draw_anatomy(Rng& rng) {
  Anatomy a(rng);
  a.female = rng.bernoulli(0.5);
  a.medi = rng.uniform(0.05, 0.065);
  a.lung_w = rng.uniform(0.29, 0.33) * (a.female ? 0.96 : 1.0);
  a.top = rng.uniform(0.08, 0.12);
  a.base[0] = rng.uniform(0.64, 0.71);
  a.base[1] = a.base[0] + rng.uniform(0.01, 0.04);
  a.body_w = a.thorax_half() + rng.uniform(0.04, 0.07);
  a.neck_w = rng.uniform(0.09, 0.12);
  a.arm_w = rng.bernoulli(0.7) ? rng.uniform(0.06, 0.1) : 0.0;
  a.hilum_y = a.top + 0.5 * (a.base[0] - a.top) + rng.uniform(-0.02, 0.02);
  a.rib_y0 = a.top + rng.uniform(-0.03, -0.01);
  a.rib_step = (a.base[0] - a.top) / 10.0 * rng.uniform(0.95, 1.05);
  a.ctr_target = rng.uniform(0.37, 0.46);  // a normal cardiothoracic ratio
  for (int side = 0; side < 2; ++side) {
    double s = a.sign(side);
    for (int b = 0; b < 9; ++b) {
      double angle = -1.3 + 2.7 * (b + rng.uniform(0.2, 0.8)) / 9.0;  // fan from up-and-out to down-and-out
      add_vessel_tree(rng, a.vessels[side], s * (a.medi + 0.03), a.hilum_y, angle, 0, s);
    }
    // Clavicle: an S-curve from the sternal notch up and out to the shoulder.
    double y_med = a.top + rng.uniform(0.06, 0.09), rise = rng.uniform(0.06, 0.09);
    const int kPieces = 12;
    for (int i = 0; i < kPieces; ++i) {
      auto point = [&](double t, double& x, double& y) {
        x = s * (0.035 + (a.thorax_half() - 0.02) * t);
        y = y_med - rise * t + 0.012 * std::sin(2 * M_PI * t);
      };
      double x0, y0, x1, y1;
      point(static_cast<double>(i) / kPieces, x0, y0);
      point(static_cast<double>(i + 1) / kPieces, x1, y1);
      a.bones.push_back({x0, y0, x1, y1, 0.016, 0.1});
    }
  }
  return a;
}

// A finding drawn into the image: `field` is 0..1 (how much of the lesion is at a point); the mask is field ≥ 0.5.
struct Finding {
  std::string name;
  double add = 0.0;         // attenuation added where the field is 1
  double remove_air = 0.0;  // fraction of lung air replaced where the field is 1
  bool clears_markings = false;
  virtual ~Finding() = default;
  virtual double field(double x, double y, double e) const = 0;
  virtual double outline(double x, double y, double e) const { return 0.0; }  // extra density outside the field
};

struct RoundOpacity : Finding {  // nodule, mass
  const Anatomy* a;
  int side;
  double cx, cy, r, phase1, phase2, lobulation;
  double field(double x, double y, double e) const override {
    double dx = x - cx, dy = y - cy, theta = std::atan2(dy, dx);
    double rr = r * (1.0 + lobulation * (0.6 * std::sin(3 * theta + phase1) + 0.4 * std::sin(5 * theta + phase2)));
    return inside(rr - dist(dx, dy), e) * smoothstep(0.0, 0.5, a->lung(side, x, y, e));
  }
};

struct Airspace : Finding {  // consolidation (one dense blob) and pneumonia (several patches)
  const Anatomy* a;
  int side;
  std::vector<std::array<double, 4>> blobs;  // cx, cy, rx, ry
  ValueNoise noise;
  double roughness;
  explicit Airspace(Rng& rng) : noise(rng) {}
  double field(double x, double y, double e) const override {
    double best = 0.0;
    for (const auto& b : blobs) {
      double d = dist((x - b[0]) / b[2], (y - b[1]) / b[3]);
      best = std::max(best, inside(1.0 - d + roughness * (noise.at(x * 3, y * 3) - 0.5), 0.08));
    }
    return best * a->lung(side, x, y, e);
  }
};

struct Effusion : Finding {  // fluid at the lung base with a meniscus rising laterally: the angle is blunted
  const Anatomy* a;
  int side;
  double level, meniscus;
  double field(double x, double y, double e) const override {
    double ax = a->sign(side) * x;
    double u = clamp01((ax - a->medi) / (1.1 * a->lung_w));
    return a->lung(side, x, y, e) * inside(y - (level - meniscus * u * u), e);
  }
};

struct Pneumothorax : Finding {  // air between chest wall and a collapsed lung edge, without markings
  const Anatomy* a;
  int side;
  double collapse;
  double edge(double y) const {  // the visceral pleural line (distance from the midline)
    double medial, lateral;
    a->edges(side, y, medial, lateral);
    double taper = 1.0 - smoothstep(0.55, 1.0, a->t_of(side, y));
    return a->medi + (lateral - a->medi) * (1.0 - collapse * taper);
  }
  double field(double x, double y, double e) const override {
    return a->lung(side, x, y, e) * inside(a->sign(side) * x - edge(y), e);
  }
  double outline(double x, double y, double e) const override {  // the visceral pleural line, thin and white
    return 0.07 * a->lung(side, x, y, e) * inside(0.0018 - std::fabs(a->sign(side) * x - edge(y)), e);
  }
};

struct Plate : Finding {  // plate-like atelectasis: a thin band in a lower zone
  const Anatomy* a;
  int side;
  Segment band;
  double field(double x, double y, double e) const override {
    return inside(band.radius - segment_distance(band, x, y), e) * a->lung(side, x, y, e);
  }
};

struct Heart : Finding {  // the cardiac silhouette, as the Cardiomegaly mask
  const Anatomy* a;
  double field(double x, double y, double e) const override {
    return a->heart(x, y, e);
  }
};

// A point well inside one lung (for lesion centres), away from its edges by `margin`.
void point_in_lung(Rng& rng, const Anatomy& a, int side, double margin, double t_lo, double t_hi, double& x,
                   double& y) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    y = a.top + rng.uniform(t_lo, t_hi) * (a.base[side] - a.top);
    double medial, lateral;
    a.edges(side, y, medial, lateral);
    x = a.sign(side) * rng.uniform(medial, lateral);
    bool ok = a.lung(side, x, y, 1e-3) > 0.99;
    for (int k = 0; k < 8 && ok; ++k) {
      double th = k * M_PI / 4;
      ok = a.lung(side, x + margin * std::cos(th), y + margin * std::sin(th), 1e-3) > 0.99;
    }
    if (ok) return;
  }
  throw std::logic_error("phantom: no lung point found for a lesion (generator bug)");
}

std::unique_ptr<Finding> draw_finding(const std::string& name, Rng& rng, Anatomy& a) {
  const int side = rng.bernoulli(0.5) ? 1 : 0;
  if (name == "Nodule" || name == "Mass") {
    auto f = std::make_unique<RoundOpacity>();
    f->a = &a;
    f->side = side;
    bool mass = name == "Mass";
    f->r = mass ? rng.uniform(0.04, 0.06) : rng.uniform(0.012, 0.02);
    f->lobulation = mass ? rng.uniform(0.05, 0.12) : 0.0;
    f->phase1 = rng.uniform(0, 2 * M_PI);
    f->phase2 = rng.uniform(0, 2 * M_PI);
    point_in_lung(rng, a, side, f->r * 1.2, 0.15, 0.95, f->cx, f->cy);
    f->add = mass ? 0.26 : 0.2;
    f->remove_air = 0.3;
    return f;
  }
  if (name == "Consolidation" || name == "Pneumonia") {
    auto f = std::make_unique<Airspace>(rng);
    f->a = &a;
    f->side = side;
    bool lobar = name == "Consolidation";
    bool upper = lobar ? rng.bernoulli(0.4) : rng.bernoulli(0.25);
    double cx, cy;
    point_in_lung(rng, a, side, 0.03, upper ? 0.2 : 0.55, upper ? 0.5 : 0.9, cx, cy);
    int n = lobar ? 1 : static_cast<int>(rng.integer(3, 6));
    for (int i = 0; i < n; ++i) {
      double ox = lobar ? 0 : rng.uniform(-0.07, 0.07), oy = lobar ? 0 : rng.uniform(-0.06, 0.06);
      double rx = lobar ? rng.uniform(0.07, 0.1) : rng.uniform(0.025, 0.04);
      double ry = lobar ? rng.uniform(0.06, 0.09) : rx * rng.uniform(0.8, 1.2);
      f->blobs.push_back({cx + ox, cy + oy, rx, ry});
    }
    f->blobs[0] = {cx, cy, f->blobs[0][2], f->blobs[0][3]};  // one patch sits on the chosen lung point
    f->roughness = lobar ? 0.35 : 0.6;
    f->add = lobar ? 0.05 : 0.03;
    f->remove_air = lobar ? 0.8 : 0.55;
    return f;
  }
  if (name == "Effusion") {
    auto f = std::make_unique<Effusion>();
    f->a = &a;
    f->side = side;
    double amount = rng.uniform(0.3, 1.0);
    f->level = a.base[side] + 0.07 - amount * 0.16;
    f->meniscus = 0.05 * amount + 0.02;
    f->add = 0.03;
    f->remove_air = 0.92;
    f->clears_markings = true;
    return f;
  }
  if (name == "Pneumothorax") {
    auto f = std::make_unique<Pneumothorax>();
    f->a = &a;
    f->side = side;
    f->collapse = rng.uniform(0.2, 0.4);
    f->add = -0.06;
    f->clears_markings = true;
    return f;
  }
  if (name == "Atelectasis") {
    auto f = std::make_unique<Plate>();
    f->a = &a;
    f->side = side;
    a.base[side] -= rng.uniform(0.01, 0.025);  // volume loss lifts the hemidiaphragm
    double s = a.sign(side), y = a.base[side] - rng.uniform(0.05, 0.12);
    f->band = {s * (a.medi + 0.25 * a.lung_w), y + rng.uniform(-0.02, 0.02), s * (a.medi + 0.9 * a.lung_w),
               y + rng.uniform(-0.02, 0.02), rng.uniform(0.007, 0.013), 0.0};
    f->add = 0.12;
    f->remove_air = 0.6;
    return f;
  }
  if (name == "Cardiomegaly") {
    auto f = std::make_unique<Heart>();
    f->a = &a;
    a.ctr_target = rng.uniform(0.56, 0.66);
    return f;
  }
  throw std::invalid_argument("phantom: no drawing for finding '" + name + "'");
}

void gaussian_blur(std::vector<float>& img, int res, double sigma) {
  if (sigma < 0.2) return;
  int radius = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> k(2 * radius + 1);
  float sum = 0;
  for (int i = -radius; i <= radius; ++i)
    sum += k[i + radius] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (float& v : k) v /= sum;
  std::vector<float> tmp(img.size());
  for (int pass = 0; pass < 2; ++pass) {
    const std::vector<float>& src = pass == 0 ? img : tmp;
    std::vector<float>& dst = pass == 0 ? tmp : img;
    for (int y = 0; y < res; ++y)
      for (int x = 0; x < res; ++x) {
        float acc = 0;
        for (int i = -radius; i <= radius; ++i) {
          int xx = std::clamp(pass == 0 ? x + i : x, 0, res - 1), yy = std::clamp(pass == 0 ? y : y + i, 0, res - 1);
          acc += k[i + radius] * src[static_cast<size_t>(yy) * res + xx];
        }
        dst[static_cast<size_t>(y) * res + x] = acc;
      }
  }
}

}  // namespace

std::vector<PhantomSlot> phantom_slots(const PhantomConfig& config) {
  std::vector<PhantomSlot> slots;
  Rng rng(config.seed, stream_id(0, 3));
  for (int64_t patient = 1; static_cast<int64_t>(slots.size()) < config.n; ++patient) {
    double u = rng.uniform();
    int images = 1 + (u < 0.4) + (u < 0.15);
    for (int f = 0; f < images && static_cast<int64_t>(slots.size()) < config.n; ++f) slots.push_back({patient, f});
  }
  return slots;
}

PhantomCase render_phantom(const PhantomConfig& config, const PhantomSlot& slot, int64_t index) {
  const int res = config.res;
  if (res < 64 || res > 4096)
    throw std::invalid_argument("phantom: res=" + std::to_string(res) + " is outside 64..4096 pixels");
  Rng patient_rng(config.seed, stream_id(static_cast<uint64_t>(slot.patient), 1));
  Anatomy a = draw_anatomy(patient_rng);
  PhantomCase pc;
  pc.patient = slot.patient;
  pc.follow_up = slot.follow_up;
  pc.sex = a.female ? "F" : "M";
  pc.age = static_cast<int>(patient_rng.integer(18, 88)) + slot.follow_up;
  char id[32];
  std::snprintf(id, sizeof id, "%08lld_%03d.png", static_cast<long long>(slot.patient), slot.follow_up);
  pc.image_id = id;

  Rng rng(config.seed, stream_id(static_cast<uint64_t>(index), 2));
  pc.view = rng.bernoulli(0.2) ? "AP" : "PA";
  std::vector<std::unique_ptr<Finding>> findings;
  for (const auto& name : phantom_findings()) {
    auto it = config.prevalence.find(name);
    double p = it == config.prevalence.end() ? 0.0 : it->second;
    if (rng.bernoulli(p)) {
      findings.push_back(draw_finding(name, rng, a));
      findings.back()->name = name;
    }
  }
  pc.ctr = a.fit_heart();

  // This image's positioning: magnification (AP films magnify), shift, rotation.
  const double scale = rng.uniform(0.9, 1.02) * (pc.view == "AP" ? 1.03 : 1.0);
  const double sx = rng.uniform(-0.025, 0.025), sy = rng.uniform(-0.02, 0.03);
  const double theta = rng.uniform(-4.0, 4.0) * M_PI / 180.0, ct = std::cos(theta), st = std::sin(theta);
  const double e = 0.8 / (res * scale);  // edge softness: about one pixel
  pc.thorax_px = 2.0 * a.thorax_half() * scale * res;
  auto to_anatomy = [&](double px, double py, double& x, double& y) {
    double u = ((px + 0.5) / res - 0.5 - sx) / scale, v = ((py + 0.5) / res - 0.5 - sy) / scale;
    x = ct * u + st * v;
    y = -st * u + ct * v + 0.5;
  };
  auto to_pixel = [&](double x, double y, double& px, double& py) {
    double u = ct * x - st * (y - 0.5), v = st * x + ct * (y - 0.5);
    px = (u * scale + 0.5 + sx) * res - 0.5;
    py = (v * scale + 0.5 + sy) * res - 0.5;
  };

  // Thin structures (vessels, clavicles) are rasterized segment by segment inside their bounding boxes.
  const size_t n = static_cast<size_t>(res) * res;
  std::vector<float> markings(n, 0.0f), bone(n, 0.0f);
  auto rasterize = [&](const std::vector<Segment>& segments, std::vector<float>& out) {
    for (const auto& s : segments) {
      double px0, py0, px1, py1;
      to_pixel(s.x0, s.y0, px0, py0);
      to_pixel(s.x1, s.y1, px1, py1);
      double pad = (s.radius + 2 * e) * scale * res + 1;
      int xa = std::max(0, static_cast<int>(std::floor(std::min(px0, px1) - pad)));
      int xb = std::min(res - 1, static_cast<int>(std::ceil(std::max(px0, px1) + pad)));
      int ya = std::max(0, static_cast<int>(std::floor(std::min(py0, py1) - pad)));
      int yb = std::min(res - 1, static_cast<int>(std::ceil(std::max(py0, py1) + pad)));
      for (int py = ya; py <= yb; ++py)
        for (int px = xa; px <= xb; ++px) {
          double x, y;
          to_anatomy(px, py, x, y);
          float v = static_cast<float>(s.density * inside(s.radius - segment_distance(s, x, y), e));
          float& o = out[static_cast<size_t>(py) * res + px];
          o = std::max(o, v);
        }
    }
  };
  rasterize(a.vessels[0], markings);
  rasterize(a.vessels[1], markings);
  rasterize(a.bones, bone);

  Heart heart;
  heart.a = &a;
  const double breast = a.female ? rng.uniform(0.04, 0.07) : 0.0;
  const double bubble_x = 0.1 + rng.uniform(0.0, 0.06), bubble_y = a.base[1] + rng.uniform(0.05, 0.08);
  std::vector<float> fields(findings.size() * n, 0.0f);
  std::vector<float> film(n), lung_field(n);
  for (int py = 0; py < res; ++py)
    for (int px = 0; px < res; ++px) {
      const size_t p = static_cast<size_t>(py) * res + px;
      double x, y;
      to_anatomy(px, py, x, y);
      const double ax = std::fabs(x);
      // Body: neck widening into sloping shoulders; brightness follows the path length through an elliptic torso.
      double half = (a.neck_w + (a.body_w - a.neck_w) * smoothstep(a.top - 0.12, a.top + 0.1, y)) *
                    (1.0 - 0.06 * (y - 0.45) * (y - 0.45) / 0.3);
      double body = inside(half - ax, e);
      double A = 0.62 * std::pow(clamp01(1.0 - (ax / half) * (ax / half)), 0.35) * body;
      if (a.arm_w > 0) {  // arms beside the chest, a narrow gap of air between
        double arm = (ax - half - 0.012 - 0.5 * a.arm_w) / (0.5 * a.arm_w);
        A += 0.5 * std::pow(clamp01(1.0 - arm * arm), 0.4) * inside(y - a.top - 0.02, 0.02);
      }
      const double lung_l = a.lung(0, x, y, e), lung_r = a.lung(1, x, y, e);
      lung_field[p] = std::max(lung_l, lung_r) >= 0.5 ? 1.0f : 0.0f;
      double air = 0.0;
      if (lung_l > 0) air = lung_l * (0.55 + 0.45 * a.depth(0, x, y));
      if (lung_r > 0) air = std::max(air, lung_r * (0.55 + 0.45 * a.depth(1, x, y)));
      double hv = heart.field(x, y, e);
      double marks = markings[p], lucency = 0.0, solid = 0.0;
      for (size_t f = 0; f < findings.size(); ++f) {
        double v = findings[f]->field(x, y, e);
        fields[f * n + p] = static_cast<float>(v);
        solid += findings[f]->outline(x, y, e);
        if (v <= 0) continue;
        (findings[f]->add > 0 ? solid : lucency) += std::fabs(findings[f]->add) * v;
        air *= 1.0 - findings[f]->remove_air * v;
        if (findings[f]->clears_markings) marks *= 1.0 - v;
      }
      air *= 1.0 - 0.85 * hv;  // the heart displaces the lung in front of and behind it
      // The aortic knob bulges into the left upper lung at the mediastinal border.
      air *= 1.0 - inside(1.0 - dist((x - a.medi - 0.008) / 0.024, (y - a.hilum_y + 0.11) / 0.032), 0.1);
      A -= 0.38 * air;
      A += 0.04 * air * clamp01(a.t_of(x < 0 ? 0 : 1, y));  // more soft tissue over the lower zones
      A += 0.07 * air * (a.texture.at(x * 3.1, y * 3.1) + 0.6 * a.texture.at(x * 7.3 + 0.5, y * 7.3) - 0.8);
      A += marks * (air > 0 ? std::min(1.0, air * 1.6) : 0.0) - lucency;
      A += solid;
      A += 0.03 * hv;
      A += breast * inside(1.0 - dist((ax - a.medi - 0.7 * a.lung_w) / 0.16, (y - a.base[0] + 0.01) / 0.11), 0.15);
      // Spine (vertebral bodies with darker disc spaces) and the trachea, an air column down to the carina.
      A += 0.05 * inside(0.033 - ax, e) * (0.85 + 0.15 * std::cos(2 * M_PI * y / 0.048)) * body;
      A -= 0.07 * inside(0.012 - ax, e) * inside(a.hilum_y - 0.05 - y, e) * body;
      // Ribs over the chest: posterior arcs rising from the spine then sweeping down the chest wall; fainter
      // anterior ribs running down and inwards from the wall (their cartilage ends are invisible).
      if (ax > 0.03 && ax < a.thorax_half() + 0.04) {
        double reach = inside(a.thorax_half() + 0.025 - ax, 0.012) * inside(ax - 0.04, 0.01);
        reach *= 0.4 + 0.6 * std::min(1.0, air * 2.0);
        double slope = -0.35 + 3.2 * ax, norm = std::sqrt(1 + slope * slope);
        for (int k = 0; k < 12; ++k) {
          double d = std::fabs(y - (a.rib_y0 + k * a.rib_step - 0.35 * ax + 1.6 * ax * ax)) / norm;
          double w = 0.0085 + 0.0005 * k;
          if (d > w + 3 * e) continue;
          A += reach * (0.035 * inside(w - d, e) + 0.035 * inside(0.0022 - std::fabs(d - w + 0.0022), e));
        }
        double front = inside(ax - 0.13, 0.04) * reach, slope_a = 0.35, norm_a = std::sqrt(1 + slope_a * slope_a);
        for (int k = 0; k < 6; ++k) {
          double ya = a.top + 0.04 + k * 1.3 * a.rib_step + slope_a * (a.thorax_half() - ax);
          double d = std::fabs(y - ya) / norm_a, w = 0.009;
          if (d > w + 3 * e) continue;
          A += front * 0.025 * inside(0.0025 - std::fabs(d - w + 0.0025), e);
        }
      }
      A += bone[p];
      A -= 0.1 * inside(1.0 - dist((x - bubble_x) / 0.045, (y - bubble_y) / 0.03), 0.2) * body;  // gastric air
      film[p] = static_cast<float>(std::max(0.0, A));
    }

  // Film response, exposure and gamma vary per image; then blur and quantum noise.
  const double gamma = rng.uniform(0.85, 1.15), gain = rng.uniform(0.92, 1.05), offset = rng.uniform(-0.03, 0.03);
  for (float& v : film) v = static_cast<float>(std::pow(clamp01(v / 0.8), gamma) * gain + offset);
  gaussian_blur(film, res, rng.uniform(0.4, 1.1) * res / 256.0);
  const double noise = rng.uniform(0.006, 0.018);
  Rng pixel_rng(config.seed, stream_id(static_cast<uint64_t>(index), 4));
  pc.lungs = Image(1, res, res);
  pc.lungs.pixels = lung_field;
  pc.image = Image(1, res, res);
  for (size_t p = 0; p < n; ++p) pc.image.pixels[p] = static_cast<float>(clamp01(film[p] + noise * pixel_rng.normal()));

  for (size_t f = 0; f < findings.size(); ++f) {
    Lesion l;
    l.finding = findings[f]->name;
    l.mask = Image(1, res, res);
    int x0 = res, y0 = res, x1 = -1, y1 = -1;
    for (int py = 0; py < res; ++py)
      for (int px = 0; px < res; ++px) {
        float v = fields[f * n + static_cast<size_t>(py) * res + px];
        if (v < 0.5f) continue;
        l.mask.at(0, py, px) = 1.0f;
        x0 = std::min(x0, px), y0 = std::min(y0, py), x1 = std::max(x1, px), y1 = std::max(y1, py);
      }
    // A finding too small to cover one pixel center at this resolution is not labelled: labels only name what the
    // image shows. (Lesion sizes are chosen so this does not happen at 64 pixels and up.)
    if (x1 < 0) continue;
    l.x = x0, l.y = y0, l.w = x1 - x0 + 1, l.h = y1 - y0 + 1;
    pc.lesions.push_back(std::move(l));
  }
  return pc;
}

}  // namespace thorax::data
