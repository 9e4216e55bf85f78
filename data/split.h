// Splits and subsets. Where patient ids exist, every function here keeps a patient's images together (DESIGN.md:
// no patient in two splits); find_leaks() checks any given split for that.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace thorax::data {

struct SplitFractions {
  double train = 0.8, val = 0.1, test = 0.1;
};

// "train", "val" or "test" per sample: patients shuffled with the seed, then cut by the fractions (of patients).
std::vector<std::string> patient_split(const Dataset& d, SplitFractions f, uint64_t seed);
// The source's own split: its test list is "test"; its train (or train_val) part is split patient-wise into
// "train" and "val" by val_fraction; its val list (MedMNIST) is "val". Throws when the source has no split.
std::vector<std::string> official_split(const Dataset& d, double val_fraction, uint64_t seed);

struct Leak {
  std::string patient;
  std::vector<std::string> splits;  // the splits this patient's images are in
  int64_t images = 0;
};
// Patients whose images are in more than one split (empty: no leakage).
std::vector<Leak> find_leaks(const Dataset& d, const std::vector<std::string>& split);

// Iterative stratification (Sechidis, Tsoumakas & Vlahavas, ECML 2011) over groups of rows: assigns each group to
// one of fractions.size() subsets so that every label's positives are spread by the fractions; the rarest labels
// are placed first. With `min_per_label`, every subset gets at least that many positives of each label that has
// min_per_label × subsets of them (so a 5% subset keeps its rare classes): the desired counts are raised to it, and
// a repair pass then moves groups into a subset still short, as long as the move leaves no other subset short.
// Returns the subset of each group.
std::vector<int> iterative_stratification(const std::vector<std::vector<int>>& group_label_counts,
                                          const std::vector<double>& fractions, uint64_t seed, int min_per_label = 0);

// Patient-grouped stratified k-fold: the fold (0..k-1) of every sample.
std::vector<int> grouped_stratified_kfold(const Dataset& d, int k, uint64_t seed);
// A label fraction (e.g. 1%, 10% of the training images) drawn patient-wise by iterative stratification, keeping at
// least one positive of every class present in `pool`. Returns sample indices, sorted.
std::vector<size_t> stratified_subset(const Dataset& d, const std::vector<size_t>& pool, double fraction,
                                      uint64_t seed);

// Indices of the samples whose split is `name`.
std::vector<size_t> indices_of(const std::vector<std::string>& split, const std::string& name);
// split.json of the Contracts: for each split, its image ids and patient ids.
nlohmann::json split_to_json(const Dataset& d, const std::vector<std::string>& split);

}  // namespace thorax::data
