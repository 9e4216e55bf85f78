// Decision thresholds for multi-label classes, chosen per class on validation predictions and then applied,
// unchanged, to the test predictions. A score at or above the threshold is a positive decision (sklearn's rule).
// Multi-class decisions are the argmax and use no threshold.
#pragma once
#include <string>

#include "train/metrics.h"

namespace thorax::train {

enum class ThresholdRule {
  youden,  // maximizes Youden's J = sensitivity + specificity − 1 = TPR − FPR
  f1,      // maximizes F1 = 2TP / (2TP + FP + FN)
};

const char* threshold_rule_name(ThresholdRule rule);          // "youden" / "f1"
ThresholdRule parse_threshold_rule(const std::string& name);  // throws naming the choices

// Used when there are no validation predictions, or a class's validation labels lack positives or negatives.
inline constexpr double kDefaultThreshold = 0.5;

struct ChosenThreshold {
  double threshold = kDefaultThreshold;
  Metric criterion;  // J or F1 on the validation images at that threshold (undefined when the default was used)
};

// Searches every distinct validation score (and, for Youden, "nothing positive" at max score + 1, where J = 0, as
// sklearn's roc_curve starts); on equal criterion values the highest threshold wins (numpy's argmax over sklearn's
// decreasing thresholds).
ChosenThreshold choose_threshold(const RankedScores& validation, ThresholdRule rule);

}  // namespace thorax::train
