// Evaluation of a model's predictions: what `thorax eval` computes and writes (eval.json, eval_per_class.csv,
// eval.md), and what the report reads.
//
// Thresholds (multi-label) are chosen per class on the validation predictions (Youden's J or F1) and applied to
// the test predictions; without validation predictions every class uses 0.5. Multi-class decisions are the
// argmax. Labels that are unknown (NaN, e.g. CheXpert's masked uncertain labels) leave that image out for that
// class only. Metrics follow scikit-learn 1.2 (train/metrics.h); confidence intervals are percentile bootstrap
// intervals over patients where some patient has several images, else over images (train/bootstrap.h).
//
// eval.json, schema "thorax-eval-1". A metric M is an object
//   {"value": number|null, "low": number|null, "high": number|null, "resamples": int, "skipped": int,
//    "reason": string (only when value is null: why the metric is undefined, e.g. "no positive images")}
// where low/high bound the bootstrap interval at bootstrap.level (null when value is null, without resamples, or
// when no resample had a value), resamples counts the resamples with a value and skipped those without one (e.g.
// no positive image drawn). A macro average M also has "classes" (how many classes it averages) and "excluded"
// ([{"class", "reason"}], the classes left out because their metric is undefined on these images); a resample in
// which one of the averaged classes is undefined is skipped for the average.
// A metric block B is
//   {"images": int, "patients": int,
//    "per_class": [{"class", "positives", "negatives", "masked" (images whose label is unknown), "prevalence",
//                   "threshold" (null for multi-class), "tp", "fp", "tn", "fn" (decisions at the threshold, or
//                   argmax == class), "auroc": M, "auprc": M, "f1": M, "precision": M, "recall": M,
//                   "specificity": M, "accuracy": M, "train_prevalence" (only in the test block, when given)},
//                  ...one per class, in label-space order],
//    "macro": {"auroc", "auprc", "f1", "precision", "recall", "specificity": macro M},
//    "micro": {"auroc", "auprc" (over every known (image, class) cell), "f1", "precision", "recall" (from the
//              summed tp/fp/fn): M},
//    "hamming_loss": M (multi-label; for multi-class a null value with its reason),
//    "multi_class": null (multi-label) | {"accuracy": M, "confusion_matrix": {"rows": "true class",
//                   "columns": "predicted class (argmax)", "counts": [[int]]}} (macro F1 is macro.f1)}
// The file is the test set's block B with these keys added:
//   "schema": "thorax-eval-1",
//   "labels": {"kind", "names"} (data::LabelSpace::to_json),
//   "validation_images": int,
//   "bootstrap": {"method": "percentile", "resamples", "seed", "level", "unit": "patient"|"image", "units"},
//   "thresholds": {"rule": "youden"|"f1"|"fixed"|"argmax", "chosen_on": "validation"|null,
//                  "per_class": [{"class", "threshold", "criterion": {"value", "reason" (when value is null)}
//                  (J or F1 on validation at that threshold; null with a reason when 0.5 was used)}]; for argmax
//                  threshold and criterion are null},
//   "subgroups": {"min_images": int, "attributes": [{"attribute": "sex"|"view"|"age", "unknown": int (images
//                 without the attribute), "groups": [B + {"group"}], "skipped": [{"group", "images", "reason"}]}]},
//                 age groups are "0-17", "18-39", "40-59", "60-79", "80+";
//   "rare_common": {"below": prevalence threshold, "rare": {"classes": [names], "macro_auroc": macro M},
//                   "common": {...}} | {"reason": why it is absent},
//   "curves": [{"class", "roc": {"fpr", "tpr", "thresholds"} | null, "pr": {"precision", "recall",
//               "thresholds"} | null, "reason" (when a curve is null)}] — ROC as sklearn's roc_curve with
//               drop_intermediate=True; PR as precision_recall_curve reduced to one point per recall value
//               (train/metrics.h, recall_steps_only); thresholds has one entry fewer than precision there.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "train/bootstrap.h"
#include "train/predictions.h"
#include "train/thresholds.h"

namespace thorax::train {

struct EvalOptions {
  ThresholdRule threshold_rule = ThresholdRule::youden;
  BootstrapOptions bootstrap;
  int subgroup_min_images = 30;          // smaller subgroups are listed as skipped, with their size
  std::vector<double> train_prevalence;  // per class, on the training images; empty: no rare/common section
  double rare_below = 0.05;              // a class is rare when its training prevalence is below this
  bool curves = true;
};

// Class k of `p` ranked by probability, images with an unknown label left out (metrics.h).
RankedScores rank_class(const Predictions& p, int k);

// A metric and its bootstrap interval as the JSON object M above.
nlohmann::json metric_json(const Metric& m, const Interval& interval);

// `validation` may have no rows (thresholds 0.5). Throws when the label spaces differ or `test` has no rows.
nlohmann::json evaluate(const Predictions& validation, const Predictions& test, const EvalOptions& options);

// The files of an evaluation, each written atomically, all from the JSON (so they never disagree).
void write_eval_json(const std::string& path, const nlohmann::json& eval);
// One row per class then "macro" and "micro"; each metric as value,low,high; undefined values are empty cells
// and the last column says why.
std::string eval_per_class_csv(const nlohmann::json& eval);
void write_eval_per_class_csv(const std::string& path, const nlohmann::json& eval);
// Markdown: the per-class table with CIs, averages, thresholds, confusion matrix, subgroups, rare/common.
std::string eval_markdown(const nlohmann::json& eval);
void write_eval_markdown(const std::string& path, const nlohmann::json& eval);
// All of an evaluation's files into `dir`: predictions.csv (the rows evaluated), eval.json, eval_per_class.csv and
// eval.md, each atomically. Returns "DIR/{predictions.csv, eval.json, eval_per_class.csv, eval.md}" for messages.
std::string write_eval_files(const std::string& dir, const Predictions& predictions, const nlohmann::json& eval);
// One line for logs and the demo's summary: "macro AUROC 0.912 [0.880, 0.940] · macro F1 … · 412 images".
std::string eval_headline(const nlohmann::json& eval);

}  // namespace thorax::train
