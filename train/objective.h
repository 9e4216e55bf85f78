// The supervised loss of a run, chosen from the config and weighted from the training labels:
//   multi-label: bce | weighted_bce (pos_weight = negatives/positives per class, inverse frequency) | focal;
//   multi-class: ce (optionally class-weighted n/(C·count), label smoothing).
// Masked labels (CheXpert uncertain under `ignore`) count nowhere. "auto" picks weighted_bce or ce by label kind.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "tensor/tensor.h"
#include "train/train_config.h"

namespace thorax::train {

class Objective {
 public:
  Objective(const TrainConfig& config, const data::Dataset& dataset, const std::vector<size_t>& train);

  // Mean loss of a batch: logits (N, C), targets and masks (N, C) as the loader gives them (multi-class: a row
  // whose mask is all zero is left out).
  Tensor operator()(const Tensor& logits, const Tensor& targets, const Tensor& masks) const;
  const std::string& name() const { return name_; }
  std::string describe() const;  // "weighted_bce (pos_weight 2.9 … 41.0)"

 private:
  std::string name_;
  data::LabelKind kind_;
  Tensor pos_weight_, class_weight_;
  double focal_gamma_, focal_alpha_, label_smoothing_;
};

// Multi-class oversampling: each class's training images repeated (whole copies, then a seeded draw for the rest)
// until every class has as many as the largest one. The returned list is what the loader shuffles each epoch.
std::vector<size_t> oversample(const data::Dataset& dataset, const std::vector<size_t>& train, uint64_t seed);

}  // namespace thorax::train
