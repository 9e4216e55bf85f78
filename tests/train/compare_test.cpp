// compare(): per-class AUROC of two runs against scikit-learn, the paired-bootstrap difference, and the errors
// for runs that cannot be compared (refs_metrics.py writes the run directories).
#include "train/compare.h"

#include <doctest/doctest.h>

#include <functional>

#include "tests/data/data_fixtures.h"
#include "tests/support/error_of.h"
#include "tests/train/eval_fixtures.h"

using namespace thorax;
using namespace thorax::train;
using namespace thorax::train::testing;

namespace {

std::string run(const std::string& name) { return metrics_refs() + "runs/" + name; }

BootstrapOptions resamples(int n) {
  BootstrapOptions b;
  b.resamples = n;
  return b;
}

using thorax::testing::error_of;

}  // namespace

TEST_CASE("compare: per-class AUROC equals scikit-learn's and B's better scores show in the paired interval") {
  const json ref = load_ref("runs/compare.json");
  const Predictions a = read_run_predictions(run("A"), std::nullopt, "test");
  const Predictions b = read_run_predictions(run("B"), std::nullopt, "test");
  const json c = compare(a, b, "A", "B", "test", resamples(300));
  CHECK(c["schema"] == "thorax-compare-1");
  CHECK(c["images"] == ref["test_images"]);
  CHECK(c["bootstrap"]["unit"] == "patient");
  for (size_t k = 0; k < ref["names"].size(); ++k) {
    const json& row = c["per_class"][k];
    CHECK(row["class"] == ref["names"][k]);
    CHECK(row["auroc_a"]["value"].get<double>() == doctest::Approx(ref["auroc_a"][k].get<double>()).epsilon(1e-12));
    CHECK(row["auroc_b"]["value"].get<double>() == doctest::Approx(ref["auroc_b"][k].get<double>()).epsilon(1e-12));
    CHECK(row["difference"]["value"].get<double>() ==
          doctest::Approx(ref["auroc_b"][k].get<double>() - ref["auroc_a"][k].get<double>()).epsilon(1e-12));
  }
  const json& macro = c["macro"];
  double mean_a = 0, mean_b = 0;
  for (size_t k = 0; k < 3; ++k) {
    mean_a += ref["auroc_a"][k].get<double>() / 3;
    mean_b += ref["auroc_b"][k].get<double>() / 3;
  }
  CHECK(macro["auroc_a"]["value"].get<double>() == doctest::Approx(mean_a).epsilon(1e-12));
  CHECK(macro["difference"]["value"].get<double>() == doctest::Approx(mean_b - mean_a).epsilon(1e-12));
  CHECK(macro["difference"]["low"].get<double>() > 0);
  CHECK(macro["fraction_at_most_zero"] == 0.0);
  CHECK(c["verdict"].get<std::string>().rfind("B (B) has the higher macro AUROC: the 95% CI of B - A, [+0.", 0) == 0);
  // Swapping the runs mirrors the difference and the verdict.
  const json swapped = compare(b, a, "B", "A", "test", resamples(300));
  CHECK(swapped["macro"]["difference"]["low"].get<double>() ==
        doctest::Approx(-macro["difference"]["high"].get<double>()).epsilon(1e-12));
  CHECK(swapped["verdict"].get<std::string>().rfind("A (B) has the higher macro AUROC", 0) == 0);
  const std::string text = format_comparison(c);
  CHECK(text.find("test split: 300 images of ") != std::string::npos);
  CHECK(text.find("macro (3 classes)") != std::string::npos);
  CHECK(text.find(c["verdict"].get<std::string>()) != std::string::npos);
}

TEST_CASE("a run compared with itself: zero difference, an interval of zero width, no difference shown") {
  const Predictions a = read_run_predictions(run("A"), std::nullopt, "test");
  const json c = compare(a, a, "A", "A", "test", resamples(50));
  CHECK(c["macro"]["difference"]["value"] == 0.0);
  CHECK(c["macro"]["difference"]["low"] == 0.0);
  CHECK(c["macro"]["difference"]["high"] == 0.0);
  CHECK(c["macro"]["fraction_at_most_zero"] == 1.0);
  CHECK(c["verdict"] == "No difference shown: the 95% CI of B - A, [+0.0000, +0.0000], includes zero.");
}

TEST_CASE("runs that cannot be compared are errors that say why") {
  const Predictions a = read_run_predictions(run("A"), std::nullopt, "test");
  const Predictions c = read_run_predictions(run("C"), std::nullopt, "test");
  const std::string images = error_of([&] { compare(a, c, "A", "C", "test", resamples(10)); });
  CHECK(images.rfind("the runs' predictions are not on the same images: A has 300, C has 298; 5 only in A ('img", 0) ==
        0);
  CHECK(images.find("', ...), 3 only in C ('other0.png', 'other1.png', 'other2.png'). A paired comparison needs both "
                    "runs evaluated on the same images") != std::string::npos);
  const Predictions d = read_run_predictions(run("D"), std::nullopt, "test");
  CHECK(error_of([&] { compare(a, d, "A", "D", "test", resamples(10)); }) ==
        "the runs have different label spaces: A has [multi-label: Effusion, Nodule, Pneumothorax], D has "
        "[multi-label: Effusion, Nodule, Mass]");
  Predictions relabelled = a;
  relabelled.target[0] = relabelled.target[0] == 1.0f ? 0.0f : 1.0f;
  CHECK(error_of([&] {
          compare(a, relabelled, "A", "A2", "test", resamples(10));
        }).rfind("the runs disagree on the labels of 1 of 300 images ('img0000.png')", 0) == 0);
  CHECK(error_of([&] { read_run_predictions(run("E"), std::nullopt, "test"); }) ==
        run("E") + " has no config.json to give the label kind: pass --kind multi-label or --kind multi-class");
  CHECK(read_run_predictions(run("E"), data::LabelKind::multi_label, "test").rows() == 300);
  CHECK(error_of([&] { read_run_predictions(run("A"), data::LabelKind::multi_class, "test"); }) ==
        "--kind multi-class contradicts " + run("A") + "/config.json, which records multi-label");
  CHECK(error_of([&] { read_run_predictions(run("A"), std::nullopt, "train"); }) ==
        run("A") + "/predictions.csv has no rows of split 'train' (its splits: 'test', 'val')");
  CHECK(error_of([&] { read_run_predictions(run("nowhere"), std::nullopt, "test"); }) ==
        "run directory " + run("nowhere") + " does not exist");
  data::testing::TempDir empty;
  CHECK(error_of([&] { read_run_predictions(empty.path(), std::nullopt, "test"); }) ==
        empty.path() + "/predictions.csv does not exist: compare needs the predictions of both runs");
}
