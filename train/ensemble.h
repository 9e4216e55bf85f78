// Ensembles of trained runs on the same images (seed 004's two ways to combine):
//   mean     — combine-then-predict: the average of the members' probabilities, then thresholds chosen on
//              validation as for one model;
//   weighted — the same with member weights proportional to each member's validation macro AUROC;
//   vote     — predict-then-combine: each member decides (its own validation thresholds, or argmax), and the
//              ensemble's score per class is the fraction of members voting for it; the decision is the majority
//              (a fraction ≥ 0.5; multi-class: the most votes, ties to the first class).
// Members are matched by image id on their predictions.csv (val and test rows); a different image set or label
// space is an error naming the run.
#pragma once
#include <string>
#include <vector>

#include "train/predictions.h"
#include "train/thresholds.h"

namespace thorax::train {

struct EnsembleResult {
  Predictions predictions;     // val and test rows, combined
  std::vector<double> weights;  // per member, summing to 1
  bool votes = false;          // the scores are vote fractions (evaluate with fixed 0.5 thresholds)
};

// Reads each run's predictions.csv (label kind from its config.json) and combines them.
EnsembleResult combine_runs(const std::vector<std::string>& runs, const std::string& method,
                            ThresholdRule rule = ThresholdRule::youden);

}  // namespace thorax::train
