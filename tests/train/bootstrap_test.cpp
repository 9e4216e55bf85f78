// Bootstrap intervals: quantiles as numpy computes them, reproducible draws, and the behaviour an interval must
// have — it holds the point estimate, narrows with more images, and widens when images of one patient are
// resampled together.
#include "train/bootstrap.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "tests/train/eval_fixtures.h"
#include "train/evaluation.h"

using namespace thorax::train;
using namespace thorax::train::testing;

namespace {

json macro_auroc(const Predictions& p, int resamples, int threads = 0) {
  EvalOptions o;
  o.bootstrap.resamples = resamples;
  o.bootstrap.threads = threads;
  o.subgroup_min_images = 1 << 30;  // subgroups are not under test here
  o.curves = false;
  return evaluate({}, p, o)["macro"]["auroc"];
}

double width(const json& m) { return m["high"].get<double>() - m["low"].get<double>(); }

}  // namespace

TEST_CASE("quantiles interpolate linearly between order statistics, as numpy's default") {
  const std::vector<double> four = {1, 2, 3, 4};
  CHECK(quantile_sorted(four, 0.25) == doctest::Approx(1.75));
  CHECK(quantile_sorted(four, 1.0) == 4);
  CHECK(quantile_sorted(four, 0.0) == 1);
  std::vector<double> hundred(100);
  std::iota(hundred.begin(), hundred.end(), 0.0);
  CHECK(quantile_sorted(hundred, 0.025) == doctest::Approx(2.475));  // numpy.percentile(range(100), 2.5)
  CHECK(quantile_sorted(hundred, 0.975) == doctest::Approx(96.525));
  std::vector<std::optional<double>> samples = {3.0, std::nullopt, 1.0, 2.0};
  const Interval iv = percentile_interval(samples, 0.5);
  CHECK(iv.used == 3);
  CHECK(iv.skipped == 1);
  CHECK(*iv.low == doctest::Approx(1.5));
  CHECK(*iv.high == doctest::Approx(2.5));
  CHECK(*fraction_at_most(samples, 2.0) == doctest::Approx(2.0 / 3));
  CHECK_FALSE(fraction_at_most(std::vector<std::optional<double>>{std::nullopt}, 0.0).has_value());
}

TEST_CASE("resamples draw whole patients, as many as there are, reproducibly") {
  const std::vector<std::string> patients = {"a", "b", "a", "c", "b", "a", "d"};
  const ResampleUnits u = ResampleUnits::of(patients);
  CHECK(u.patients);
  CHECK(u.units == 4);
  CHECK(u.unit_of_row == std::vector<uint32_t>{0, 1, 0, 2, 1, 0, 3});
  std::vector<double> w, again;
  std::vector<uint32_t> count;
  for (int b = 0; b < 50; ++b) {
    resample_weights(u, 9, b, w, count);
    CHECK(std::accumulate(count.begin(), count.end(), 0u) == 4);
    CHECK(w[0] == w[2]);  // every image of patient a counts as often as a was drawn
    CHECK(w[0] == w[5]);
    resample_weights(u, 9, b, again, count);
    CHECK(w == again);
  }
  std::vector<std::string> ids(1000);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = numbered("x", i);
  const ResampleUnits images = ResampleUnits::of(ids);
  CHECK_FALSE(images.patients);
  CHECK(images.units == 1000);
  resample_weights(images, 9, 0, w, count);
  resample_weights(images, 10, 0, again, count);
  CHECK(w != again);  // another seed, another resample
  // Each image is drawn Binomial(1000, 1/1000) times: about 1 - 1/e of them at least once.
  const auto drawn = std::count_if(w.begin(), w.end(), [](double x) { return x > 0; });
  CHECK(drawn > 580);
  CHECK(drawn < 680);
}

TEST_CASE("an interval holds the point estimate and narrows with ten times the images") {
  const json small = macro_auroc(random_predictions(200, 1.0, 5), 400);
  const json large = macro_auroc(random_predictions(2000, 1.0, 5), 400);
  for (const json* m : {&small, &large}) {
    CHECK((*m)["low"].get<double>() <= (*m)["value"].get<double>());
    CHECK((*m)["value"].get<double>() <= (*m)["high"].get<double>());
    CHECK((*m)["resamples"] == 400);
    CHECK((*m)["skipped"] == 0);
  }
  // The standard error shrinks as 1/sqrt(n): about 0.32 times the width; 0.6 leaves room for sampling noise.
  CHECK(width(large) < 0.6 * width(small));
  CHECK(width(large) > 0.15 * width(small));
}

TEST_CASE("resampling patients widens the interval when each patient's image is duplicated") {
  const Predictions base = random_predictions(300, 1.0, 8);
  Predictions by_patient, by_image;
  for (size_t r = 0; r < base.rows(); ++r)
    for (int copy = 0; copy < 3; ++copy) {
      by_patient.append_row(base, r);
      by_patient.image.back() += numbered("_", static_cast<size_t>(copy));
    }
  by_image = by_patient;
  for (size_t r = 0; r < by_image.rows(); ++r) by_image.patient_id[r] = by_image.image[r];
  const json one = macro_auroc(base, 400), patient = macro_auroc(by_patient, 400), image = macro_auroc(by_image, 400);
  CHECK(patient["value"] == one["value"]);  // three copies of every image: the same AUROC
  // Copies treated as independent images claim sqrt(3) more precision than the data holds; patients do not.
  CHECK(width(patient) > 1.4 * width(image));
  CHECK(width(patient) == doctest::Approx(width(one)).epsilon(0.25));
}

TEST_CASE("results do not depend on the number of threads; skipped resamples are counted") {
  const Predictions p = random_predictions(250, 1.0, 4, 100);
  CHECK(macro_auroc(p, 64, 1) == macro_auroc(p, 64, 2));
  CHECK(macro_auroc(p, 64, 1) == macro_auroc(p, 64, 3));
  // Two positives among 200 images: about e^-2 of the resamples draw neither.
  Predictions rare = random_predictions(200, 1.0, 6);
  for (size_t r = 0; r < rare.rows(); ++r) rare.target[r] = r < 2 ? 1.0f : 0.0f;
  const json m = macro_auroc(rare, 500);
  CHECK(m["skipped"].get<int>() > 20);
  CHECK(m["skipped"].get<int>() < 150);
  CHECK(m["resamples"].get<int>() + m["skipped"].get<int>() == 500);
}
