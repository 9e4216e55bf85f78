// Class statistics of a dataset and the loss weights derived from them.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace thorax::data {

struct ClassStats {
  std::string name;
  int64_t positives = 0, negatives = 0, masked = 0;  // masked: excluded from the loss (uncertain under `ignore`)
  double prevalence = 0.0;  // positives / (positives + negatives)
  // Multi-label: negatives / positives, the pos_weight of weighted BCE. Multi-class: N / (K · count), the
  // inverse-frequency class weight (1 for balanced classes). 0 when the class has no positives.
  double weight = 0.0;
};

struct DatasetStats {
  int64_t images = 0, patients = 0;
  int64_t no_positive = 0;  // multi-label images with no positive class ("No Finding")
  std::vector<ClassStats> classes;
  std::map<std::string, int64_t> views, sexes, splits;  // official split counts
  int64_t with_age = 0;
  double mean_age = 0.0;
  int min_age = 0, max_age = 0;
};

DatasetStats compute_stats(const Dataset& dataset);
// Same, over a subset of sample indices.
DatasetStats compute_stats(const Dataset& dataset, const std::vector<size_t>& indices);

}  // namespace thorax::data
