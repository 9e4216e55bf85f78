#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "data/dataset.h"
#include "data/loader.h"
#include "data/phantom.h"
#include "data/split.h"
#include "data/stats.h"
#include "data_fixtures.h"

using namespace thorax;
using namespace thorax::data;

namespace {

// One phantom set for this program: 300 images of about 190 patients, every finding present, some rare.
const Dataset& phantoms() {
  static testing::TempDir dir;
  static const Dataset d = [] {
    PhantomConfig c;
    c.n = 300;
    c.res = 64;
    c.seed = 11;
    c.prevalence["Pneumothorax"] = 0.03;  // about 9 images: rare
    write_phantom_set(c, dir / "set", 2);
    return open_dataset("nih:" + dir / "set?labels=" + join(phantom_findings(), ","));
  }();
  return d;
}

std::map<std::string, int64_t> class_counts(const Dataset& d, const std::vector<size_t>& idx) {
  std::map<std::string, int64_t> out;
  for (const auto& c : compute_stats(d, idx).classes) out[c.name] = c.positives;
  return out;
}

}  // namespace

TEST_CASE("split: patient-level random split — fractions of patients, no leakage, deterministic") {
  const Dataset& d = phantoms();
  std::vector<std::string> s = patient_split(d, {0.7, 0.15, 0.15}, 3);
  CHECK(find_leaks(d, s).empty());
  CHECK(s == patient_split(d, {0.7, 0.15, 0.15}, 3));
  CHECK(s != patient_split(d, {0.7, 0.15, 0.15}, 4));
  std::map<std::string, std::set<std::string>> patients;
  for (size_t i = 0; i < d.size(); ++i) patients[s[i]].insert(d.samples[i].patient_id);
  const double total = static_cast<double>(compute_stats(d).patients);
  CHECK(patients["train"].size() / total == doctest::Approx(0.7).epsilon(0.02));
  CHECK(patients["test"].size() / total == doctest::Approx(0.15).epsilon(0.05));
  CHECK_THROWS_WITH(patient_split(d, {0.7, 0.2, 0.2}, 1), doctest::Contains("add up to 1"));
}

TEST_CASE("split: the leakage check finds a patient put in two splits") {
  const Dataset& d = phantoms();
  std::vector<std::string> s = patient_split(d, {0.8, 0.1, 0.1}, 1);
  // Find a patient with two images and move one of them.
  std::map<std::string, std::vector<size_t>> by_patient;
  for (size_t i = 0; i < d.size(); ++i) by_patient[d.samples[i].patient_id].push_back(i);
  for (const auto& [patient, images] : by_patient)
    if (images.size() > 1) {
      s[images[1]] = s[images[0]] == "test" ? "train" : "test";
      std::vector<Leak> leaks = find_leaks(d, s);
      REQUIRE(leaks.size() == 1);
      CHECK(leaks[0].patient == patient);
      CHECK(leaks[0].splits.size() == 2);
      break;
    }
}

TEST_CASE("split: the official lists — test stays test, the rest split by patient") {
  const Dataset& d = phantoms();
  std::vector<std::string> s = official_split(d, 0.1, 2);
  for (size_t i = 0; i < d.size(); ++i)
    CHECK((s[i] == "test") == (d.samples[i].official_split == "test"));
  CHECK(find_leaks(d, s).empty());
  nlohmann::json j = split_to_json(d, s);
  CHECK(j["splits"]["test"]["images"].size() == indices_of(s, "test").size());
}

TEST_CASE("split: patient-grouped stratified k-fold keeps every class in every fold and patients whole") {
  const Dataset& d = phantoms();
  const int k = 5;
  std::vector<int> fold = grouped_stratified_kfold(d, k, 7);
  std::map<std::string, std::set<int>> folds_of_patient;
  for (size_t i = 0; i < d.size(); ++i) folds_of_patient[d.samples[i].patient_id].insert(fold[i]);
  for (const auto& [p, f] : folds_of_patient) CHECK(f.size() == 1);
  std::vector<size_t> all(d.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const auto total = class_counts(d, all);
  for (int f = 0; f < k; ++f) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < d.size(); ++i)
      if (fold[i] == f) idx.push_back(i);
    CHECK(idx.size() > d.size() / (2 * k));
    for (const auto& count : class_counts(d, idx)) {
      CAPTURE(count.first);
      if (total.at(count.first) >= k) CHECK(count.second >= 1);  // stratification keeps every class
    }
  }
}

TEST_CASE("split: a 5% label fraction keeps its rare classes, patient-wise") {
  const Dataset& d = phantoms();
  std::vector<size_t> pool(d.size());
  for (size_t i = 0; i < pool.size(); ++i) pool[i] = i;
  std::vector<size_t> subset = stratified_subset(d, pool, 0.05, 1);
  CHECK(subset.size() >= 10);
  CHECK(subset.size() <= 45);
  for (const auto& count : class_counts(d, subset)) {
    CAPTURE(count.first);
    CHECK(count.second >= 1);
  }
  // Patients are whole: every image of a chosen patient is in.
  std::set<std::string> chosen;
  for (size_t i : subset) chosen.insert(d.samples[i].patient_id);
  for (size_t i = 0; i < d.size(); ++i)
    if (chosen.count(d.samples[i].patient_id)) CHECK(std::binary_search(subset.begin(), subset.end(), i));
  // A plain random 5% would often lose the rare class; this one never does, whatever the seed.
  for (uint64_t seed = 0; seed < 5; ++seed)
    CHECK(class_counts(d, stratified_subset(d, pool, 0.05, seed))["Pneumothorax"] >= 1);
}

TEST_CASE("iterative stratification: rare labels are spread first, proportions follow the fractions") {
  // 10 groups; label 0 on groups 0 and 1 only, label 1 on six groups.
  std::vector<std::vector<int>> counts = {{1, 1}, {1, 0}, {0, 1}, {0, 1}, {0, 1},
                                          {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 0}};
  std::vector<int> s = iterative_stratification(counts, {0.5, 0.5}, 1);
  CHECK(s[0] != s[1]);  // the two label-0 groups land in different halves
  int first_half = static_cast<int>(std::count(s.begin(), s.end(), 0));
  CHECK(first_half == 5);
}

TEST_CASE("stats: counts, prevalence and inverse-frequency weights") {
  const Dataset& d = phantoms();
  DatasetStats st = compute_stats(d);
  CHECK(st.images == 300);
  for (const auto& c : st.classes) {
    CAPTURE(c.name);
    CHECK(c.positives + c.negatives == 300);
    CHECK(c.weight == doctest::Approx(static_cast<double>(c.negatives) / c.positives));
  }
}

TEST_CASE("loader: batches cover the epoch once, the same for 1 or 2 threads, reshuffled per epoch") {
  const Dataset& d = phantoms();
  std::vector<size_t> idx;
  for (size_t i = 0; i < 50; ++i) idx.push_back(i);
  LoaderOptions o;
  o.batch_size = 8;
  o.seed = 3;
  o.pipeline = Pipeline::parse(R"([{"op": "resize", "size": 48}, {"op": "clahe", "tiles": 4},
                                   {"op": "normalize", "preset": "imagenet"}])");
  o.augment = augment_preset("train", 32, 32);
  auto run = [&](int threads, int64_t epoch) {
    o.threads = threads;
    Loader loader(d, idx, o);
    loader.start_epoch(epoch);
    std::vector<Batch> out;
    Batch b;
    while (loader.next(b)) out.push_back(b);
    return out;
  };
  std::vector<Batch> one = run(1, 0), two = run(2, 0), next_epoch = run(2, 1);
  REQUIRE(one.size() == 7);  // 50 / 8, last batch short
  CHECK(one.back().images.shape() == Shape{2, 1, 32, 32});
  CHECK(one[0].targets.shape() == Shape{8, 8});
  std::multiset<size_t> seen;
  for (size_t b = 0; b < one.size(); ++b) {
    seen.insert(one[b].indices.begin(), one[b].indices.end());
    CHECK(one[b].indices == two[b].indices);
    CHECK(one[b].images.to_vector() == two[b].images.to_vector());
  }
  CHECK(seen == std::multiset<size_t>(idx.begin(), idx.end()));
  CHECK(one[0].indices != next_epoch[0].indices);
  // Targets and masks are the samples' own.
  const Sample& s = d.samples[one[0].indices[3]];
  for (int c = 0; c < 8; ++c) {
    CHECK(one[0].targets.to_vector()[3 * 8 + c] == s.target[c]);
    CHECK(one[0].masks.to_vector()[3 * 8 + c] == 1.0);
  }
}

TEST_CASE("loader: data-parallel shards of each batch add up to the one-process batch, images and all") {
  const Dataset& d = phantoms();
  std::vector<size_t> idx;
  for (size_t i = 0; i < 23; ++i) idx.push_back(i);
  LoaderOptions o;
  o.batch_size = 7;  // batches of 7, 7, 7, 2: the shards of 3 processes are 3+2+2, ..., 1+1+0
  o.seed = 5;
  o.pipeline = default_pipeline(32);
  o.augment = augment_preset("train", 32, 32);
  auto epoch = [&](int shard, int shards) {
    o.shard = shard;
    o.shards = shards;
    Loader loader(d, idx, o);
    loader.start_epoch(1);
    std::vector<Batch> out;
    Batch b;
    try {
      while (loader.next(b)) out.push_back(b);
    } catch (const std::exception& e) {
      MESSAGE("shard " << shard << ": " << e.what());
    }
    return out;
  };
  const std::vector<Batch> whole = epoch(0, 1);
  std::vector<Batch> parts[3] = {epoch(0, 3), epoch(1, 3), epoch(2, 3)};
  REQUIRE(whole.size() == 4);
  for (size_t b = 0; b < 3; ++b) {
    std::vector<size_t> joined;
    std::vector<double> pixels;
    for (auto& part : parts) {
      REQUIRE(part.size() >= 3);
      CHECK(part[b].global_size == 7);
      joined.insert(joined.end(), part[b].indices.begin(), part[b].indices.end());
      const std::vector<double> v = part[b].images.to_vector();
      pixels.insert(pixels.end(), v.begin(), v.end());
    }
    CHECK(parts[0][b].indices.size() == 3);
    CHECK(joined == whole[b].indices);
    CHECK(pixels == whole[b].images.to_vector());  // the same augmentation draws in whichever process
  }
  // The last batch of 2 leaves the third process nothing: an error naming the way out, not an empty batch.
  CHECK(parts[2].size() == 3);
  o.shard = 3;
  CHECK_THROWS_WITH_AS(Loader(d, idx, o), "loader: shard 3 of 3 does not exist", std::invalid_argument);
}

TEST_CASE("loader: SimCLR two views, ordered mode, cache, drop_last") {
  const Dataset& d = phantoms();
  std::vector<size_t> idx = {0, 1, 2, 3, 4};
  LoaderOptions o;
  o.batch_size = 2;
  o.shuffle = false;
  o.drop_last = true;
  o.two_views = true;
  o.cache = true;
  o.pipeline = default_pipeline(40);
  o.augment = augment_preset("simclr", 32, 32);
  Loader loader(d, idx, o);
  CHECK(loader.batches_per_epoch() == 2);
  loader.start_epoch(0);
  Batch b;
  REQUIRE(loader.next(b));
  CHECK(b.indices == std::vector<size_t>{0, 1});
  CHECK(b.views2.shape() == b.images.shape());
  CHECK(b.views2.to_vector() != b.images.to_vector());
  REQUIRE(loader.next(b));
  CHECK_FALSE(loader.next(b));
  // The cache holds pre-augmentation images: a second epoch gives the same inputs as a fresh loader would.
  loader.start_epoch(1);
  REQUIRE(loader.next(b));
  o.cache = false;
  Loader fresh(d, idx, o);
  fresh.start_epoch(1);
  Batch f;
  REQUIRE(fresh.next(f));
  CHECK(f.images.to_vector() == b.images.to_vector());
}

TEST_CASE("loader: a damaged image stops the epoch with a sentence naming it") {
  testing::TempDir tmp;
  testing::write_test_png(tmp / "A/good.png", 16, 16);
  testing::write_text(tmp / "A/bad.png", "not really a png");
  Dataset d = open_dataset("folder:" + tmp.path());
  LoaderOptions o;
  o.pipeline = default_pipeline(16);
  o.batch_size = 1;
  o.shuffle = false;
  Loader loader(d, {0, 1}, o);
  loader.start_epoch(0);
  Batch b;
  CHECK_THROWS_WITH(
      while (loader.next(b)) {},
      doctest::Contains("bad.png: not a PNG, JPEG or BMP (first bytes 6E 6F 74 20)"));
  // Batches of mixed sizes name the pipeline step that is missing.
  testing::write_test_png(tmp / "B/X/a.png", 8, 8);
  testing::write_test_png(tmp / "B/X/b.png", 8, 12);
  Dataset mixed = open_dataset("folder:" + tmp / "B");
  o.pipeline = Pipeline::parse(R"([{"op": "normalize", "preset": "unit"}])");
  o.batch_size = 2;
  Loader l2(mixed, {0, 1}, o);
  l2.start_epoch(0);
  CHECK_THROWS_WITH(l2.next(b), doctest::Contains("add a resize (or center_crop) step to the pipeline"));
}

TEST_CASE("loader: mixup mixes images and targets with the same λ, masks by the stricter of the two") {
  const Dataset& d = phantoms();
  std::vector<size_t> idx = {0, 1, 2, 3, 4, 5};
  LoaderOptions o;
  o.batch_size = 6;
  o.shuffle = false;
  o.pipeline = default_pipeline(32);
  Loader plain(d, idx, o);
  o.mixup_alpha = 0.4;
  Loader mixed(d, idx, o);
  plain.start_epoch(0);
  mixed.start_epoch(0);
  Batch p, m;
  REQUIRE(plain.next(p));
  REQUIRE(mixed.next(m));
  const double l = m.mixup_lambda;
  CHECK(l > 0.0);
  CHECK(l < 1.0);
  const auto pi = p.images.to_vector(), mi = m.images.to_vector(), pt = p.targets.to_vector(),
             mt = m.targets.to_vector();
  const size_t per_image = pi.size() / 6;
  for (size_t j = 0; j < 6; ++j) {
    const size_t q = m.mixup_partner[j];
    for (size_t i = 0; i < per_image; i += 97)
      CHECK(mi[j * per_image + i] == doctest::Approx(l * pi[j * per_image + i] + (1 - l) * pi[q * per_image + i]));
    for (size_t c = 0; c < 8; ++c) CHECK(mt[j * 8 + c] == doctest::Approx(l * pt[j * 8 + c] + (1 - l) * pt[q * 8 + c]));
  }
  // The draws behind mixup: Beta(a, a) has mean 1/2, Gamma(s) has mean s.
  Rng rng(1, 2);
  double beta = 0, gamma_small = 0, gamma_big = 0;
  for (int i = 0; i < 20000; ++i)
    beta += rng.beta(0.4, 0.4), gamma_small += rng.gamma(0.5), gamma_big += rng.gamma(3.0);
  CHECK(beta / 20000 == doctest::Approx(0.5).epsilon(0.03));
  CHECK(gamma_small / 20000 == doctest::Approx(0.5).epsilon(0.05));
  CHECK(gamma_big / 20000 == doctest::Approx(3.0).epsilon(0.03));
}

TEST_CASE("loader: lung-field crop from the phantoms' lung masks; a set without masks is named") {
  testing::TempDir cache;
  Dataset d = open_dataset("embedded?n=6&res=64&seed=9&cache=" + cache.path());
  REQUIRE(!d.samples[0].lung_mask.empty());
  LoaderOptions o;
  o.batch_size = 3;
  o.pipeline = Pipeline::parse(R"([{"op": "lung_crop", "margin": 0.05}, {"op": "resize", "size": 32}])");
  Loader loader(d, {0, 1, 2}, o);
  loader.start_epoch(0);
  Batch b;
  REQUIRE(loader.next(b));
  CHECK(b.images.shape() == Shape{3, 1, 32, 32});
  const Dataset& no_masks = phantoms();
  Loader bad(no_masks, {0}, o);
  bad.start_epoch(0);
  CHECK_THROWS_WITH(bad.next(b), doctest::Contains("has no lung mask (lung_crop needs one per image"));
}
