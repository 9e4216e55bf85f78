// evaluate() against scikit-learn on the reference predictions of refs_metrics.py (multi-label with masked labels,
// ties and a class without positives; multi-class), and the files written from its JSON.
#include "train/evaluation.h"

#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "tensor/npy.h"
#include "tests/data/data_fixtures.h"
#include "tests/train/eval_fixtures.h"

using namespace thorax;
using namespace thorax::train;
using namespace thorax::train::testing;

namespace {

// A metric object of eval.json against sklearn's value (null: undefined, with a reason and no interval).
void check_metric(const json& got, const json& want, const std::string& what) {
  INFO(what << ": " << got.dump());
  if (want.is_null()) {
    CHECK(got["value"].is_null());
    CHECK(got["low"].is_null());
    CHECK_FALSE(got.value("reason", "").empty());
    return;
  }
  REQUIRE(got["value"].is_number());
  CHECK(got["value"].get<double>() == doctest::Approx(want.get<double>()).epsilon(1e-12));
}

struct MultiLabelRef {
  json ref;
  Predictions val, test;
};

MultiLabelRef multilabel_ref() {
  MultiLabelRef m{load_ref("multilabel.json"), {}, {}};
  const json& names = m.ref["names"];
  m.val = predictions_from(names, m.ref["val"]["prob"], m.ref["val"]["target"], data::LabelKind::multi_label, "v");
  m.test = predictions_from(names, m.ref["test"]["prob"], m.ref["test"]["target"], data::LabelKind::multi_label);
  m.test.sex = m.ref["test"]["sex"].get<std::vector<std::string>>();
  m.test.age = m.ref["test"]["age"].get<std::vector<int>>();
  m.test.view = m.ref["test"]["view"].get<std::vector<std::string>>();
  m.test.patient_id = m.ref["test"]["patient"].get<std::vector<std::string>>();
  return m;
}

const char* const kMetrics[] = {"auroc", "auprc", "f1", "precision", "recall", "specificity", "accuracy"};

}  // namespace

TEST_CASE("multi-label evaluation equals scikit-learn: thresholds on validation, metrics on test") {
  const MultiLabelRef m = multilabel_ref();
  for (const char* rule : {"youden", "f1"}) {
    INFO("rule " << rule);
    const json& want = m.ref["rules"][rule];
    EvalOptions o;
    o.threshold_rule = parse_threshold_rule(rule);
    o.bootstrap.resamples = 40;
    o.subgroup_min_images = 100;
    const json e = evaluate(m.val, m.test, o);
    CHECK(e["schema"] == "thorax-eval-1");
    CHECK(e["thresholds"]["rule"] == rule);
    CHECK(e["bootstrap"]["unit"] == "patient");
    CHECK(e["bootstrap"]["units"] == 150);
    CHECK(e["patients"] == 150);
    for (size_t k = 0; k < m.test.labels.names.size(); ++k) {
      INFO("class " << m.test.labels.names[k]);
      const json& th = e["thresholds"]["per_class"][k];
      CHECK(th["threshold"].get<double>() == want["thresholds"][k].get<double>());
      check_metric(th["criterion"], want["criterion"][k], "criterion");
      const json& row = e["per_class"][k];
      const json& ref = want["per_class"][k];
      CHECK(row["threshold"].get<double>() == want["thresholds"][k].get<double>());
      for (const char* c : {"tp", "fp", "tn", "fn"}) CHECK(row[c] == ref[c]);
      for (const char* metric : kMetrics) check_metric(row[metric], ref[metric], metric);
      CHECK(row["positives"].get<int64_t>() + row["negatives"].get<int64_t>() + row["masked"].get<int64_t>() == 300);
    }
    for (const char* metric : {"auroc", "auprc", "f1", "precision", "recall", "specificity"})
      check_metric(e["macro"][metric], want["macro"][metric], std::string("macro ") + metric);
    for (const char* metric : {"auroc", "auprc", "f1", "precision", "recall"})
      check_metric(e["micro"][metric], want["micro"][metric], std::string("micro ") + metric);
    check_metric(e["hamming_loss"], want["hamming_loss"], "hamming loss");
    CHECK(e["multi_class"].is_null());
    // Hernia has no positive test image: out of the macro AUROC, with the reason.
    CHECK(e["macro"]["auroc"]["classes"] == 4);
    CHECK(e["macro"]["auroc"]["excluded"] == json::parse(R"([{"class": "Hernia", "reason": "no positive images"}])"));
    CHECK(e["per_class"][3]["auroc"]["reason"] == "no positive images");
    CHECK(e["curves"][3]["roc"].is_null());
    CHECK(e["curves"][3]["reason"] == "no positive images");
    // Edema has no positive validation image: 0.5, said so.
    CHECK(e["thresholds"]["per_class"][2]["criterion"]["reason"] ==
          "validation: no positive images, so the default 0.5 is used");
    // Subgroups: both sexes (over the 100-image minimum) against sklearn; the images without a sex counted.
    const json& sex = e["subgroups"]["attributes"][0];
    REQUIRE(sex["attribute"] == "sex");
    REQUIRE(sex["groups"].size() == 2);
    for (const json& g : sex["groups"]) {
      const json& r = m.ref["sex_macro_auroc"][g["group"].get<std::string>()];
      CHECK(g["images"] == r["images"]);
      check_metric(g["macro"]["auroc"], r["value"], "sex " + g["group"].get<std::string>());
    }
    CHECK(sex["unknown"].get<int64_t>() ==
          300 - sex["groups"][0]["images"].get<int64_t>() - sex["groups"][1]["images"].get<int64_t>());
  }
}

TEST_CASE("multi-class evaluation equals scikit-learn: accuracy, confusion matrix, one-vs-rest AUROC, macro F1") {
  const json ref = load_ref("multiclass.json");
  const Predictions p = predictions_from(ref["names"], ref["prob"], ref["target"], data::LabelKind::multi_class);
  EvalOptions o;
  o.bootstrap.resamples = 40;
  const json e = evaluate({}, p, o);
  CHECK(e["thresholds"]["rule"] == "argmax");
  CHECK(e["bootstrap"]["unit"] == "image");
  check_metric(e["multi_class"]["accuracy"], ref["accuracy"], "accuracy");
  CHECK(e["multi_class"]["confusion_matrix"]["counts"] == ref["confusion_matrix"]);
  check_metric(e["macro"]["auroc"], ref["macro_auroc_ovr"], "macro one-vs-rest AUROC");
  check_metric(e["macro"]["f1"], ref["macro_f1"], "macro F1");
  check_metric(e["micro"]["f1"], ref["micro_f1"], "micro F1 (= accuracy)");
  CHECK(e["hamming_loss"]["value"].is_null());
  for (size_t k = 0; k < ref["per_class"].size(); ++k) {
    INFO("class " << k);
    CHECK(e["per_class"][k]["threshold"].is_null());
    for (const char* c : {"tp", "fp", "tn", "fn"}) CHECK(e["per_class"][k][c] == ref["per_class"][k][c]);
    for (const char* metric : kMetrics) check_metric(e["per_class"][k][metric], ref["per_class"][k][metric], metric);
  }
}

TEST_CASE("eval files: JSON, per-class CSV and markdown say the same thing") {
  const MultiLabelRef m = multilabel_ref();
  EvalOptions o;
  o.bootstrap.resamples = 30;
  o.subgroup_min_images = 145;
  o.train_prevalence = {0.3, 0.2, 0.15, 0.01, 0.04};
  const json e = evaluate(m.val, m.test, o);
  data::testing::TempDir dir;
  write_eval_json(dir / "eval.json", e);
  write_eval_per_class_csv(dir / "eval_per_class.csv", e);
  write_eval_markdown(dir / "eval.md", e);
  CHECK(json::parse(read_file_bytes(dir / "eval.json")) == e);

  const std::string csv = read_file_bytes(dir / "eval_per_class.csv");
  CHECK(csv.rfind("class,positives,negatives,masked,threshold,auroc,auroc_low,auroc_high,auprc,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 5 + 2);
  CHECK(csv.find("\nHernia,0,") != std::string::npos);
  CHECK(csv.find("auroc: no positive images; auprc: no positive images") != std::string::npos);
  CHECK(csv.find("\nmacro,,,,") != std::string::npos);
  CHECK(csv.find("auroc leaves out Hernia (no positive images)") != std::string::npos);
  char auroc[32];
  std::snprintf(auroc, sizeof auroc, "%.6f", e["per_class"][0]["auroc"]["value"].get<double>());
  CHECK(csv.find("\nAtelectasis,") != std::string::npos);
  CHECK(csv.find(auroc) != std::string::npos);

  const std::string md = read_file_bytes(dir / "eval.md");
  INFO(md);
  std::snprintf(auroc, sizeof auroc, "%.3f [%.3f, %.3f]", e["macro"]["auroc"]["value"].get<double>(),
                e["macro"]["auroc"]["low"].get<double>(), e["macro"]["auroc"]["high"].get<double>());
  CHECK(md.find(std::string("| macro |  |  | ") + auroc) != std::string::npos);
  CHECK(md.find("Thresholds: chosen per class on 120 validation images by Youden's J.") != std::string::npos);
  CHECK(md.find("percentile bootstrap over 150 patients (30 resamples, seed 0)") != std::string::npos);
  CHECK(md.find("- Hernia: auroc: no positive images") != std::string::npos);
  CHECK(md.find("Hamming loss: ") != std::string::npos);
  // F (141 images) is under the 145 minimum: listed as skipped with its size; M is in the table.
  CHECK(md.find("- sex F: 141 images (fewer than 145 images)") != std::string::npos);
  CHECK(md.find("| sex | M | 149 |") != std::string::npos);
  CHECK(md.find("| rare | Hernia, Mass |") != std::string::npos);
  // Rare (training prevalence under 5%): Hernia (undefined here, so left out) and Mass; common: the other three.
  const json& rare = e["rare_common"]["rare"]["macro_auroc"];
  CHECK(rare["classes"] == 1);
  CHECK(rare["value"] == e["per_class"][4]["auroc"]["value"]);
  CHECK(rare["excluded"][0]["class"] == "Hernia");
  double common = 0;
  for (int k = 0; k < 3; ++k) common += e["per_class"][k]["auroc"]["value"].get<double>() / 3;
  CHECK(e["rare_common"]["common"]["macro_auroc"]["value"].get<double>() == doctest::Approx(common).epsilon(1e-12));
  CHECK(e["per_class"][3]["train_prevalence"] == 0.01);
}

TEST_CASE("without validation predictions every threshold is 0.5; age bands; bad input is an error") {
  Predictions p = random_predictions(400, 1.0, 3);
  EvalOptions o;
  o.bootstrap.resamples = 0;
  o.curves = false;
  const json e = evaluate({}, p, o);
  CHECK(e["thresholds"]["rule"] == "fixed");
  CHECK(e["thresholds"]["chosen_on"].is_null());
  CHECK(e["per_class"][0]["threshold"] == 0.5);
  CHECK(e["thresholds"]["per_class"][0]["criterion"]["reason"] == "no validation predictions: 0.5 is used");
  CHECK(e["per_class"][0]["auroc"]["low"].is_null());  // no resamples, no interval
  CHECK(e["rare_common"]["reason"] == "the training prevalence of each class was not given");
  CHECK(e["curves"].empty());
  // Ages are r mod 90: 18 ages in 0-17, 22 in 18-39, 20 in 40-59 and 60-79, 10 in 80+ per 90 images.
  const json& age = e["subgroups"]["attributes"][2];
  REQUIRE(age["attribute"] == "age");
  std::vector<std::string> groups;
  int64_t images = 0;
  for (const json& g : age["groups"]) {
    groups.push_back(g["group"]);
    images += g["images"].get<int64_t>();
  }
  CHECK(groups == std::vector<std::string>{"0-17", "18-39", "40-59", "60-79", "80+"});
  CHECK(age["groups"][0]["images"] == 18 * 4 + 18);  // 400 = 4·90 + 40: ages 0..39 once more
  CHECK(images == 400);
  CHECK(e["subgroups"]["attributes"][1]["groups"][0]["group"] == "PA");

  Predictions other = p;
  other.labels.names = {"another"};
  CHECK_THROWS_WITH(evaluate(other, p, o), doctest::Contains("validation predictions have [multi-label: another]"));
  o.train_prevalence = {0.1, 0.2};
  CHECK_THROWS_WITH(evaluate({}, p, o), "evaluate: 2 training prevalences given for 1 classes");
  CHECK_THROWS_WITH(evaluate({}, Predictions{}, EvalOptions{}), "evaluate: there are no test predictions to evaluate");
}
