// Binary metrics against scikit-learn (refs_metrics.py: ties, sample weights, no positives) and against plain
// loops: AUROC as the Mann–Whitney U statistic counted over every (positive, negative) pair.
#include "train/metrics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "tests/train/eval_fixtures.h"
#include "train/thresholds.h"

using namespace thorax::train;
using namespace thorax::train::testing;

namespace {

void check_close(const std::vector<double>& got, const json& want, const std::string& what) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("entry " << i);
    CHECK(got[i] == doctest::Approx(want[i].get<double>()).epsilon(1e-12));
  }
}

void check_metric(const Metric& got, const json& want, const std::string& what) {
  INFO(what);
  if (want.is_null()) {
    CHECK_FALSE(got.defined());
    CHECK_FALSE(got.reason.empty());
  } else {
    REQUIRE(got.defined());
    CHECK(*got.value == doctest::Approx(want.get<double>()).epsilon(1e-12));
  }
}

// The Mann–Whitney statistic: over every (positive, negative) pair, 1 if the positive scores higher, ½ on a tie.
double pairwise_auroc(const std::vector<double>& s, const std::vector<double>& y, const std::vector<double>& w) {
  double sum = 0, pairs = 0;
  for (size_t i = 0; i < s.size(); ++i)
    for (size_t j = 0; j < s.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        const double pw = w[i] * w[j];
        pairs += pw;
        sum += pw * (s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0);
      }
  return sum / pairs;
}

}  // namespace

TEST_CASE("AUROC, average precision, ROC and PR curves equal scikit-learn's") {
  const json ref = load_ref("binary.json");
  for (const json& c : ref["cases"]) {
    const std::string name = c["name"];
    INFO("case " << name);
    const RankedScores r = RankedScores::rank(doubles(c["score"]), doubles(c["label"]));
    const std::vector<double> w = c["weight"].is_null() ? std::vector<double>{} : doubles(c["weight"]);
    check_metric(auroc(r, w), c["auroc"], "auroc");
    check_metric(average_precision(r, w), c["ap"], "average precision");
    if (!c.contains("roc_full")) continue;
    const RocCurve full = roc_curve(r, false), dropped = roc_curve(r, true);
    check_close(full.fpr, c["roc_full"]["fpr"], "roc fpr");
    check_close(full.tpr, c["roc_full"]["tpr"], "roc tpr");
    check_close(full.thresholds, c["roc_full"]["thresholds"], "roc thresholds");
    check_close(dropped.fpr, c["roc_drop"]["fpr"], "roc (drop_intermediate) fpr");
    check_close(dropped.tpr, c["roc_drop"]["tpr"], "roc (drop_intermediate) tpr");
    check_close(dropped.thresholds, c["roc_drop"]["thresholds"], "roc (drop_intermediate) thresholds");
    const PrCurve pr = pr_curve(r, false);
    check_close(pr.precision, c["pr"]["precision"], "pr precision");
    check_close(pr.recall, c["pr"]["recall"], "pr recall");
    check_close(pr.thresholds, c["pr"]["thresholds"], "pr thresholds");
  }
}

TEST_CASE("undefined ranking metrics say why instead of returning NaN") {
  const std::vector<double> s = {0.1, 0.7, 0.4}, nan = {NAN, NAN, NAN};
  CHECK(auroc(RankedScores::rank(s, std::vector<double>{0, 0, 0})).reason == "no positive images");
  CHECK(auroc(RankedScores::rank(s, std::vector<double>{1, 1, NAN})).reason == "no negative images");
  CHECK(average_precision(RankedScores::rank(s, nan)).reason == "no images with a known label");
  CHECK(average_precision(RankedScores::rank(s, std::vector<double>{1, 1, 1})).reason == "no negative images");
  // A resample that drew no positive: weights zero them out.
  const RankedScores r = RankedScores::rank(s, std::vector<double>{1, 0, 0});
  CHECK(auroc(r, std::vector<double>{0, 2, 1}).reason == "no positive images");
  CHECK(roc_curve(RankedScores::rank(s, nan), true).fpr.empty());
  CHECK(pr_curve(RankedScores::rank(s, std::vector<double>{0, 0, 0}), false).recall.empty());
}

TEST_CASE("AUROC is the Mann-Whitney statistic over all pairs, with ties and weights") {
  std::mt19937 gen(11);
  std::uniform_int_distribution<int> level(0, 9), weight(0, 3);
  std::bernoulli_distribution positive(0.35);
  for (int trial = 0; trial < 20; ++trial) {
    const size_t n = 5 + static_cast<size_t>(trial) * 7;
    std::vector<double> s(n), y(n), w(n), ones(n, 1.0);
    for (size_t i = 0; i < n; ++i) {
      s[i] = level(gen) / 10.0;  // at most ten distinct scores: heavy ties
      y[i] = positive(gen);
      w[i] = weight(gen);
    }
    y[0] = 1, y[1] = 0, w[0] = w[1] = 1;
    const RankedScores r = RankedScores::rank(s, y);
    CHECK(*auroc(r).value == doctest::Approx(pairwise_auroc(s, y, ones)).epsilon(1e-12));
    CHECK(*auroc(r, w).value == doctest::Approx(pairwise_auroc(s, y, w)).epsilon(1e-12));
    // Weights are the same as writing each row out that many times.
    std::vector<double> s2, y2;
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < w[i]; ++k) s2.push_back(s[i]), y2.push_back(y[i]);
    const RankedScores expanded = RankedScores::rank(s2, y2);
    CHECK(*auroc(r, w).value == doctest::Approx(*auroc(expanded).value).epsilon(1e-12));
    CHECK(*average_precision(r, w).value == doctest::Approx(*average_precision(expanded).value).epsilon(1e-12));
    // The reduced PR curve keeps one point per recall value and the same area.
    const PrCurve steps = pr_curve(r, true), full = pr_curve(r, false);
    double area = 0;
    for (size_t i = 0; i + 1 < steps.recall.size(); ++i) {
      CHECK(steps.recall[i] > steps.recall[i + 1]);
      area += (steps.recall[i] - steps.recall[i + 1]) * steps.precision[i];
    }
    CHECK(area == doctest::Approx(*average_precision(r).value).epsilon(1e-12));
    CHECK(steps.recall.size() <= full.recall.size());
    CHECK(steps.thresholds.size() + 1 == steps.precision.size());
  }
}

TEST_CASE("decision metrics from counts, with their undefined cases") {
  const Counts c{6, 2, 10, 3};  // tp, fp, tn, fn
  CHECK(*precision(c).value == doctest::Approx(6.0 / 8));
  CHECK(*recall(c).value == doctest::Approx(6.0 / 9));
  CHECK(*specificity(c).value == doctest::Approx(10.0 / 12));
  CHECK(*f1(c).value == doctest::Approx(12.0 / 17));
  CHECK(*accuracy(c).value == doctest::Approx(16.0 / 21));
  CHECK(*hamming_loss(c).value == doctest::Approx(5.0 / 21));
  const Counts none{0, 0, 5, 0};
  CHECK(precision(none).reason == "no image predicted positive");
  CHECK(recall(none).reason == "no positive images");
  CHECK(f1(none).reason == "no positive images and none predicted positive");
  CHECK(*specificity(none).value == 1.0);
  CHECK(specificity(Counts{1, 0, 0, 1}).reason == "no negative images");
  CHECK(accuracy(Counts{}).reason == "no images with a known label");
  // F1 stays defined (zero) when a class has no positives but some images are predicted positive.
  CHECK(*f1(Counts{0, 3, 5, 0}).value == 0.0);
}

TEST_CASE("argmax takes the first class on ties; macro averages over a fixed set of classes") {
  const std::vector<float> prob = {0.2f, 0.4f, 0.4f, 0.5f, 0.25f, 0.25f};
  CHECK(argmax_rows(prob, 2, 3) == std::vector<int>{1, 0});
  const std::vector<Metric> m = {Metric::of(0.5), Metric::undefined("no positive images"), Metric::of(0.9)};
  CHECK(defined_classes(m) == std::vector<int>{0, 2});
  CHECK(*mean_over(m, std::vector<int>{0, 2}).value == doctest::Approx(0.7));
  CHECK_FALSE(mean_over(m, std::vector<int>{0, 1}).defined());
  CHECK_FALSE(mean_over(m, std::vector<int>{}).defined());
}

TEST_CASE("thresholds: Youden's J and F1 on a worked example, 0.5 without positives") {
  // scores 0.9 0.8 0.7 0.6 0.5 0.4 with labels 1 0 1 1 0 0: P = 3, N = 3.
  const RankedScores r =
      RankedScores::rank(std::vector<double>{0.9, 0.8, 0.7, 0.6, 0.5, 0.4}, std::vector<double>{1, 0, 1, 1, 0, 0});
  // J at 0.9: 1/3; 0.8: 1/3 - 1/3 = 0; 0.7: 2/3 - 1/3; 0.6: 1 - 1/3 = 2/3 (the maximum); 0.5: 1/3; 0.4: 0.
  const ChosenThreshold j = choose_threshold(r, ThresholdRule::youden);
  CHECK(j.threshold == 0.6);
  CHECK(*j.criterion.value == doctest::Approx(2.0 / 3));
  // F1 at 0.6: 2·3 / (2·3 + 1 + 0) = 6/7, the maximum.
  const ChosenThreshold f = choose_threshold(r, ThresholdRule::f1);
  CHECK(f.threshold == 0.6);
  CHECK(*f.criterion.value == doctest::Approx(6.0 / 7));
  // On equal J the higher threshold wins: J = 1/2 at 0.9 and at 0.7.
  const RankedScores tie = RankedScores::rank(std::vector<double>{0.9, 0.8, 0.7, 0.6}, std::vector<double>{1, 0, 1, 0});
  CHECK(choose_threshold(tie, ThresholdRule::youden).threshold == 0.9);
  const ChosenThreshold none =
      choose_threshold(RankedScores::rank(std::vector<double>{0.2, 0.3}, std::vector<double>{0, 0}), ThresholdRule::f1);
  CHECK(none.threshold == 0.5);
  CHECK(none.criterion.reason == "validation: no positive images, so the default 0.5 is used");
  CHECK(parse_threshold_rule("f1") == ThresholdRule::f1);
  CHECK_THROWS_WITH(parse_threshold_rule("roc"), "threshold rule 'roc' is unknown (choose youden or f1)");
}
