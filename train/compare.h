// Two runs' predictions on the same images, compared by AUROC with a paired bootstrap: each resample draws the
// same patients (or images) for both runs, so the interval of the difference accounts for the images the runs
// share. This is the only way thorax says one run beats another.
//
// compare() returns JSON, schema "thorax-compare-1":
//   {"schema", "a", "b" (run names), "split", "labels": {"kind", "names"}, "images", "patients",
//    "bootstrap": {"method": "paired percentile", "resamples", "seed", "level", "unit": "patient"|"image", "units"},
//    "difference": "b - a",
//    "per_class": [{"class", "auroc_a": M, "auroc_b": M, "difference": M, "fraction_at_most_zero": number|null}],
//    "macro": {"classes": int, "excluded": [{"class", "reason"}], "auroc_a": M, "auroc_b": M, "difference": M,
//              "fraction_at_most_zero": number|null},
//    "verdict": one sentence}
// with M as in evaluation.h ({"value", "low", "high", "resamples", "skipped"[, "reason"]}). The macro average is
// over the classes whose AUROC is defined for both runs; fraction_at_most_zero is the share of resamples in which
// B − A ≤ 0.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "train/bootstrap.h"
#include "train/predictions.h"

namespace thorax::train {

// Throws when the label spaces differ, the image sets differ (listing how many images each side lacks and a few
// of them) or the two runs disagree on an image's labels.
nlohmann::json compare(const Predictions& a, const Predictions& b, const std::string& name_a, const std::string& name_b,
                       const std::string& split, const BootstrapOptions& options);

// A run directory's predictions.csv, with the label kind from its config.json ("labels", data::LabelSpace) or,
// without a config.json, from `kind`; the rows of `split` only ("" keeps all).
Predictions read_run_predictions(const std::string& run_dir, std::optional<data::LabelKind> kind,
                                 const std::string& split);

// The terminal report: per-class and macro AUROC of both runs, the difference with its interval, the verdict.
std::string format_comparison(const nlohmann::json& comparison);

}  // namespace thorax::train
