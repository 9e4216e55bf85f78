// Calibration of predicted probabilities, for the report's reliability diagram: equal-width bins of the predicted
// probability, each with its mean prediction and the observed frequency of the event, and the expected
// calibration error ECE = sum over bins of (count / total) * |mean predicted - observed|.
//
// What counts as one prediction depends on the label kind: multi-label, every (image, class) cell whose label is
// known (the probability of that finding, the event "the finding is present"); multi-class, every image's top
// class (its probability, the event "the top class is the true class" — confidence against accuracy, as Guo et
// al. 2017 define ECE).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "train/predictions.h"

namespace thorax::train {

struct CalibrationBin {
  double low = 0, high = 0;  // [low, high); the last bin includes 1
  int64_t count = 0;
  double mean_predicted = 0, observed = 0;  // NaN in an empty bin
};

struct Calibration {
  std::string unit;  // what one prediction is, in words: "(image, class) cells with a known label" or "images"
  int64_t predictions = 0;
  std::vector<CalibrationBin> bins;
  double ece = 0;  // NaN without predictions
};

Calibration calibration(const Predictions& predictions, int bins = 10);

}  // namespace thorax::train
