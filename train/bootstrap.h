// Percentile bootstrap confidence intervals.
//
// A resample draws as many units as there are, with replacement: whole patients (every image of a drawn patient,
// as often as the patient was drawn) when some patient has several images, since images of one patient are not
// independent; single images otherwise. A resample is handed to the statistics as per-row weights (how many
// times each row was drawn), see metrics.h.
//
// Draws come from Philox-4x32-10 (tensor/rng.h) keyed by the seed, with the resample's index as the subsequence:
// each resample is a pure function of (seed, index), so results are the same for any number of threads.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "train/metrics.h"

namespace thorax::train {

struct BootstrapOptions {
  int resamples = 1000;  // 0: point estimates only, no intervals
  uint64_t seed = 0;
  double level = 0.95;  // central interval: the (1 − level)/2 and (1 + level)/2 quantiles
  int threads = 0;      // 0: every hardware thread
};

struct ResampleUnits {
  std::vector<uint32_t> unit_of_row;
  uint32_t units = 0;
  bool patients = false;  // true: units are patients (some patient has several rows); false: rows

  static ResampleUnits of(const std::vector<std::string>& patient_id);
};

// Resample `index`: weight[row] = how many times the row's unit was drawn. `count` is scratch space.
void resample_weights(const ResampleUnits& units, uint64_t seed, int64_t index, std::vector<double>& weight,
                      std::vector<uint32_t>& count);

// Fills out[s] with statistic s on the resample given by the weights; nullopt where it is undefined. Called from
// several threads at once.
using Statistics = std::function<void(Weights weights, std::span<std::optional<double>> out)>;

// samples[s][b]: statistic s on resample b.
using BootstrapSamples = std::vector<std::vector<std::optional<double>>>;
BootstrapSamples run_bootstrap(const ResampleUnits& units, size_t statistics, const Statistics& compute,
                               const BootstrapOptions& options);

struct Interval {
  std::optional<double> low, high;  // empty when no resample had a value
  int used = 0;                     // resamples with a value
  int skipped = 0;                  // resamples where the statistic was undefined (e.g. no positive drawn)
};
// Quantiles by linear interpolation between order statistics (numpy's default "linear" method).
Interval percentile_interval(std::span<const std::optional<double>> samples, double level);
double quantile_sorted(std::span<const double> sorted, double q);
// The fraction of the resamples with a value in which it is ≤ x (empty when none has a value).
std::optional<double> fraction_at_most(std::span<const std::optional<double>> samples, double x);

}  // namespace thorax::train
