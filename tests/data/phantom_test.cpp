#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <thread>

#include "data/csv.h"
#include "data/dataset.h"
#include "data/phantom.h"
#include "data/spec.h"
#include "data/stats.h"
#include "data_fixtures.h"

using namespace thorax;
using namespace thorax::data;

namespace {

PhantomConfig config(int64_t n, int res, uint64_t seed, double p = -1) {
  PhantomConfig c;
  c.n = n;
  c.res = res;
  c.seed = seed;
  if (p >= 0)
    for (auto& [name, v] : c.prevalence) v = p;
  return c;
}

// Mean of `img` over the pixels where `mask` is (or is not) set, within the box grown by `grow`.
double masked_mean(const Image& img, const Lesion& l, bool inside_mask, int grow) {
  double sum = 0;
  int n = 0;
  for (int y = std::max(0, l.y - grow); y < std::min(img.height, l.y + l.h + grow); ++y)
    for (int x = std::max(0, l.x - grow); x < std::min(img.width, l.x + l.w + grow); ++x)
      if ((l.mask.at(0, y, x) > 0.5f) == inside_mask) sum += img.at(0, y, x), ++n;
  return n ? sum / n : 0.0;
}

}  // namespace

TEST_CASE("phantom: deterministic for a seed, different for another, independent of thread count") {
  PhantomConfig c = config(6, 96, 7, 0.3);
  auto slots = phantom_slots(c);
  REQUIRE(slots.size() == 6);
  for (int64_t i = 0; i < 6; ++i) {
    PhantomCase a = render_phantom(c, slots[i], i), b = render_phantom(c, slots[i], i);
    CHECK(a.image.pixels == b.image.pixels);
    CHECK(a.findings() == b.findings());
    CHECK(a.image_id == b.image_id);
  }
  PhantomCase other = render_phantom(config(6, 96, 8, 0.3), phantom_slots(config(6, 96, 8, 0.3))[0], 0);
  CHECK(other.image.pixels != render_phantom(c, slots[0], 0).image.pixels);

  testing::TempDir tmp;
  write_phantom_set(c, tmp / "one", 1);
  write_phantom_set(c, tmp / "two", 2);
  for (const char* f : {"Data_Entry_2017.csv", "BBox_List_2017.csv", "phantom_truth.csv", "test_list.txt"})
    CHECK(read_file_bytes(tmp / (std::string("one/") + f)) == read_file_bytes(tmp / (std::string("two/") + f)));
  for (const auto& entry : std::filesystem::directory_iterator(tmp / "one/images"))
    CHECK(read_file_bytes(entry.path().string()) ==
          read_file_bytes(tmp / ("two/images/" + entry.path().filename().string())));
  CHECK_THROWS_WITH(write_phantom_set(c, tmp / "one"), doctest::Contains("already exists"));
}

TEST_CASE("phantom: masks and boxes agree, lesions are drawn where the mask is, CTR > 0.5 exactly with Cardiomegaly") {
  PhantomConfig c = config(40, 128, 3, 0.35);
  auto slots = phantom_slots(c);
  std::map<std::string, int> seen;
  for (int64_t i = 0; i < c.n; ++i) {
    PhantomCase pc = render_phantom(c, slots[i], i);
    CAPTURE(pc.image_id);
    bool cardiomegaly = false;
    for (const auto& l : pc.lesions) {
      ++seen[l.finding];
      cardiomegaly = cardiomegaly || l.finding == "Cardiomegaly";
      // The box is the mask's tight bounding box.
      int x0 = c.res, y0 = c.res, x1 = -1, y1 = -1;
      for (int y = 0; y < c.res; ++y)
        for (int x = 0; x < c.res; ++x)
          if (l.mask.at(0, y, x) > 0.5f)
            x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
      CHECK(l.x == x0);
      CHECK(l.y == y0);
      CHECK(l.w == x1 - x0 + 1);
      CHECK(l.h == y1 - y0 + 1);
      // Round opacities are brighter than the lung around them.
      if (l.finding == "Nodule" || l.finding == "Mass")
        CHECK(masked_mean(pc.image, l, true, 0) > masked_mean(pc.image, l, false, 3) + 0.03);
      if (l.finding == "Cardiomegaly")  // the heart mask's width is the drawn CTR of the thorax width
        CHECK(std::abs(l.w - pc.ctr * pc.thorax_px) <= 0.08 * pc.thorax_px);
    }
    CHECK((pc.ctr > 0.5) == cardiomegaly);
    // Findings of the lung are drawn inside the lung fields.
    for (const auto& l : pc.lesions) {
      if (l.finding == "Cardiomegaly") continue;
      int in_lung = 0, pixels = 0;
      for (size_t p = 0; p < l.mask.pixels.size(); ++p)
        if (l.mask.pixels[p] > 0.5f) ++pixels, in_lung += pc.lungs.pixels[p] > 0.5f;
      CAPTURE(l.finding);
      CHECK(in_lung >= 0.95 * pixels);
    }
    for (float v : pc.image.pixels) REQUIRE((v >= 0.0f && v <= 1.0f));
  }
  for (const auto& f : phantom_findings()) CHECK(seen[f] > 0);  // every finding drawn at this prevalence
}

TEST_CASE("phantom: prevalence is adjustable (zero means never), rare classes stay rare") {
  PhantomConfig none = config(30, 64, 1, 0.0);
  auto slots = phantom_slots(none);
  for (int64_t i = 0; i < none.n; ++i) CHECK(render_phantom(none, slots[i], i).lesions.empty());

  testing::TempDir tmp;
  PhantomConfig c = config(300, 64, 5);
  c.prevalence["Nodule"] = 0.5;
  write_phantom_set(c, tmp / "set", 2);
  Dataset d = open_dataset("nih:" + tmp / "set?csv=Data_Entry_2017.csv&labels=" + join(phantom_findings(), ","));
  DatasetStats st = compute_stats(d);
  std::map<std::string, double> prevalence;
  for (const auto& cls : st.classes) prevalence[cls.name] = cls.prevalence;
  CHECK(prevalence["Nodule"] > 0.4);
  CHECK(prevalence["Nodule"] < 0.6);
  CHECK(prevalence["Pneumothorax"] < 0.06);  // default 2%
  CHECK(st.patients < st.images);             // follow-up images share patients
}

TEST_CASE("phantom set: the NIH layout — every row's image and masks exist, boxes match the mask files") {
  testing::TempDir tmp;
  PhantomConfig c = config(24, 64, 2, 0.3);
  write_phantom_set(c, tmp / "set", 2);
  OpenOptions o;
  o.verify = Verify::decode;
  Dataset d = open_dataset("nih:" + tmp / "set?images=images&lungs=lungs&labels=" + join(phantom_findings(), ","), o);
  CHECK(d.size() == 24);
  CHECK(d.report.notes().empty());
  CHECK(d.load_lung_mask(0).height == 64);
  CHECK(d.report.problems() == 0);
  CHECK(d.report.missing_images() == 0);
  for (const auto& s : d.samples) CHECK(!s.official_split.empty());
  CsvTable boxes = read_csv(tmp / "set/BBox_List_2017.csv");
  CHECK(boxes.header[0] == "Image Index");
  REQUIRE(!boxes.rows.empty());
  int64_t positives = 0;
  for (const auto& s : d.samples)
    for (float t : s.target) positives += t > 0.5f;
  CHECK(static_cast<int64_t>(boxes.rows.size()) == positives);  // one box per finding per image
  for (const auto& row : boxes.rows) {
    const std::string stem = row.fields[0].substr(0, row.fields[0].size() - 4);
    Image mask = read_image(tmp / ("set/masks/" + stem + "_" + row.fields[1] + ".png"));
    int x0 = mask.width, y0 = mask.height, x1 = -1, y1 = -1;
    for (int y = 0; y < mask.height; ++y)
      for (int x = 0; x < mask.width; ++x)
        if (mask.at(0, y, x) > 0.5f)
          x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    CHECK(std::stoi(row.fields[2]) == x0);
    CHECK(std::stoi(row.fields[3]) == y0);
    CHECK(std::stoi(row.fields[4]) == x1 - x0 + 1);
    CHECK(std::stoi(row.fields[5]) == y1 - y0 + 1);
  }
  CHECK(std::filesystem::exists(tmp / "set/README.txt"));
  CHECK(read_file_bytes(tmp / "set/README.txt").find("What it is not: real radiographs") != std::string::npos);
}

TEST_CASE("embedded: generated once into the cache, atomically, then reused — also when two threads race") {
  testing::TempDir cache;
  const std::string spec = "embedded?n=12&res=64&seed=4&cache=" + cache.path();
  Dataset first, second;
  std::string error1, error2;
  auto open = [&](Dataset& out, std::string& error) {
    try {
      out = open_dataset(spec);
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread a(open, std::ref(first), std::ref(error1)), b(open, std::ref(second), std::ref(error2));
  a.join();
  b.join();
  CHECK(error1.empty());
  CHECK(error2.empty());
  CHECK(first.size() == 12);
  CHECK(second.size() == 12);
  CHECK(first.labels.names == phantom_findings());
  int folders = 0;
  for (const auto& e : std::filesystem::directory_iterator(cache.path())) {
    ++folders;
    CHECK(e.path().filename().string() == "phantom-v1-n12-r64-s4");  // no temporary folder left behind
  }
  CHECK(folders == 1);
  Dataset again = open_dataset(spec);
  CHECK(again.report.summary().find("reused the phantom set") != std::string::npos);
  for (size_t i = 0; i < again.size(); ++i) CHECK(again.samples[i].target == first.samples[i].target);
  Dataset rare = open_dataset("embedded?n=12&res=64&seed=4&prevalence.Mass=0.9&cache=" + cache.path());
  CHECK(rare.report.summary().find("generated the phantom set") != std::string::npos);
  CHECK_THROWS_WITH(open_dataset("embedded?prevalence.Hernia=0.1&cache=" + cache.path()),
                    doctest::Contains("prevalence.Hernia names no phantom finding"));
}
