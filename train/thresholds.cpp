#include "train/thresholds.h"

#include <stdexcept>

namespace thorax::train {

const char* threshold_rule_name(ThresholdRule rule) { return rule == ThresholdRule::youden ? "youden" : "f1"; }

ThresholdRule parse_threshold_rule(const std::string& name) {
  if (name == "youden") return ThresholdRule::youden;
  if (name == "f1") return ThresholdRule::f1;
  throw std::invalid_argument("threshold rule '" + name + "' is unknown (choose youden or f1)");
}

ChosenThreshold choose_threshold(const RankedScores& validation, ThresholdRule rule) {
  const ClassBalance balance = class_balance(validation);
  if (std::string why = balance.undefined_reason(); !why.empty())
    return {kDefaultThreshold, Metric::undefined("validation: " + why + ", so the default 0.5 is used")};
  const double p = balance.positives, n = balance.negatives;
  ChosenThreshold best;
  bool first = true;
  auto consider = [&](double threshold, double value) {
    if (first || value > *best.criterion.value) best = {threshold, Metric::of(value)};
    first = false;
  };
  if (rule == ThresholdRule::youden) consider(validation.score.front() + 1, 0.0);
  sweep_thresholds(validation, {}, [&](double t, double tps, double fps) {
    consider(t, rule == ThresholdRule::youden ? tps / p - fps / n : 2 * tps / (tps + fps + p));
  });
  return best;
}

}  // namespace thorax::train
