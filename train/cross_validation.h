// `thorax cv`: patient-grouped, label-stratified k-fold cross-validation of one training configuration. Fold f is
// the test set of round f, fold f+1 (mod k) its validation set (best epoch, thresholds), the other k−2 folds its
// training images; each round is a full run directory (out/fold-<f>/) evaluated like `thorax eval`. The result is
// every fold's metrics and their mean ± sample standard deviation.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "train/evaluation.h"
#include "train/trainer.h"

namespace thorax::train {

struct CvOptions {
  int folds = 5;
  EvalOptions eval;  // per-fold evaluation (bootstrap resamples may be lowered: the spread over folds is the point)
  TrainRunOptions run;
};

// Writes out/fold-*/ (runs with their eval.json), out/cv.json and out/cv.md; returns cv.json:
//   {"folds": k, "config": TrainConfig, "per_fold": [{"fold", "test_images", "val_images", "train_images",
//     "macro_auroc", "macro_auprc", "macro_f1", "micro_auroc", "per_class_auroc": {class: value|null}}],
//    "summary": {metric: {"mean", "sd", "folds" (how many folds had a value)}, "per_class_auroc": {class: {...}}}}
nlohmann::json cross_validate(const TrainConfig& config, const std::string& out_dir, const CvOptions& options);

std::string cv_markdown(const nlohmann::json& cv);

}  // namespace thorax::train
