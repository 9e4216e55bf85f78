// Chest-radiograph phantoms with ground truth: the project's own default data (spec `embedded`).
//
// What it is: a procedural drawing of a frontal (PA/AP) chest radiograph — body outline and shoulders, two lung
// fields with vessel markings, posterior ribs, clavicles, spine and trachea, heart silhouette, hemidiaphragms with
// sharp costophrenic angles — with patient-to-patient variation (size, position, rotation, heart size, exposure,
// noise, blur) and findings drawn where their anatomy puts them, each with an exact lesion mask. What it is not:
// a substitute for real radiographs. It is a test bed with known answers, so that readers, metrics, splits and
// explanations (a Grad-CAM must light the nodule) can be checked end to end.
//
// Every image is a pure function of (seed, image index): generation is deterministic for any thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/image.h"

namespace thorax::data {

// The findings a phantom can carry, named as in ChestX-ray14 so the NIH reader reads the set unchanged.
const std::vector<std::string>& phantom_findings();
// Prevalence per finding (probability that an image carries it); Mass and Pneumothorax are rare on purpose.
std::map<std::string, double> default_prevalence();

struct PhantomConfig {
  int64_t n = 1000;   // images
  int res = 256;      // square images, res × res pixels
  uint64_t seed = 1;
  std::map<std::string, double> prevalence = default_prevalence();
};

struct Lesion {
  std::string finding;
  Image mask;               // 1 channel, 0 or 1
  int x = 0, y = 0, w = 0, h = 0;  // tight bounding box of the mask, pixels
};

struct PhantomCase {
  std::string image_id;     // NIH style: 00000012_001.png (patient 12, follow-up 1)
  int64_t patient = 0;
  int follow_up = 0;
  int age = 0;
  std::string sex, view;
  double ctr = 0.0;         // cardiothoracic ratio as drawn (> 0.5 exactly when Cardiomegaly is present)
  double thorax_px = 0.0;   // the thoracic width (between the lungs' lateral edges) in pixels
  Image image;              // 1 channel, [0, 1]
  Image lungs;              // the two lung fields (0 or 1), for lung-field crops
  std::vector<Lesion> lesions;
  std::vector<std::string> findings() const;  // in phantom_findings() order
};

// Which patient and follow-up image `index` is (patients have 1 to 3 images each).
struct PhantomSlot {
  int64_t patient = 0;
  int follow_up = 0;
};
std::vector<PhantomSlot> phantom_slots(const PhantomConfig& config);

PhantomCase render_phantom(const PhantomConfig& config, const PhantomSlot& slot, int64_t index);

// Writes the NIH layout into `dir` (which must not exist yet): images/*.png, masks/<image>_<Finding>.png,
// lungs/<image>.png (lung fields),
// Data_Entry_2017.csv, BBox_List_2017.csv, train_val_list.txt, test_list.txt (patient-wise 80/20),
// phantom_truth.csv (CTR per image), phantom.json (the config) and README.txt (what the set is and is not).
void write_phantom_set(const PhantomConfig& config, const std::string& dir, int threads = 2,
                       const std::function<void(int64_t done, int64_t total)>& progress = {});

// The config an `embedded?n=..&res=..&seed=..&prevalence.NAME=..` spec asks for (defaults n=1000, res=128,
// seed=1), and the cache folder name it is kept under.
struct DatasetSpec;
PhantomConfig phantom_config_from(const DatasetSpec& spec);
std::string phantom_cache_name(const PhantomConfig& config);

// The generator's version: part of every cache folder name, bumped whenever the drawing changes.
inline constexpr int kPhantomVersion = 1;

}  // namespace thorax::data
