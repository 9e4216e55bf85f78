#include "train/objective.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "autograd/ops.h"
#include "data/random.h"
#include "data/stats.h"

namespace thorax::train {

Objective::Objective(const TrainConfig& c, const data::Dataset& d, const std::vector<size_t>& train)
    : kind_(d.labels.kind),
      focal_gamma_(c.focal_gamma),
      focal_alpha_(c.focal_alpha),
      label_smoothing_(c.label_smoothing) {
  const bool multi_class = kind_ == data::LabelKind::multi_class;
  name_ = c.loss == "auto" ? (multi_class ? "ce" : "weighted_bce") : c.loss;
  if (multi_class && name_ != "ce")
    throw std::runtime_error("--loss " + name_ + " is for multi-label data; " + d.spec + " is multi-class (use ce)");
  if (!multi_class && name_ == "ce")
    throw std::runtime_error("--loss ce is for multi-class data; " + d.spec + " is multi-label (use bce, weighted_bce or focal)");
  const data::DatasetStats stats = data::compute_stats(d, train);
  std::vector<float> w;
  for (const auto& cs : stats.classes) w.push_back(static_cast<float>(cs.weight));
  const Shape shape{static_cast<int64_t>(w.size())};
  if (name_ == "weighted_bce") {
    // A class without positives in the training images gets weight 1 (its loss then only sees negatives).
    for (float& x : w) x = x > 0 ? x : 1.0f;
    pos_weight_ = Tensor::from_vector(w, shape);
  } else if (name_ == "ce" && c.class_weights == "balanced") {
    for (float& x : w) x = x > 0 ? x : 1.0f;
    class_weight_ = Tensor::from_vector(w, shape);
  }
}

Tensor Objective::operator()(const Tensor& logits, const Tensor& targets, const Tensor& masks) const {
  if (name_ == "ce") {
    // The loader's multi-class targets are one-hot rows; cross_entropy takes class indices.
    const int64_t n = targets.size(0), k = targets.size(1);
    Tensor index = Tensor::empty({n}, DType::i64);
    const Tensor t = targets.contiguous();
    const float* tp = t.data<float>();
    // A row whose mask is all zero (an unlabeled image of a semi-supervised batch) is ignored.
    const Tensor m = masks.defined() ? masks.contiguous() : Tensor();
    for (int64_t i = 0; i < n; ++i) {
      bool counted = !m.defined();
      for (int64_t j = 0; j < k && !counted; ++j) counted = m.data<float>()[i * k + j] != 0.0f;
      index.data<int64_t>()[i] = counted ? std::max_element(tp + i * k, tp + (i + 1) * k) - (tp + i * k) : -100;
    }
    CrossEntropyOptions o;
    o.class_weight = class_weight_;
    o.label_smoothing = label_smoothing_;
    return cross_entropy(logits, index, o);
  }
  if (name_ == "focal") {
    FocalOptions o;
    o.gamma = focal_gamma_;
    o.alpha = focal_alpha_;
    o.mask = masks;
    return focal_loss(logits, targets, o);
  }
  BceOptions o;
  o.pos_weight = pos_weight_;
  o.mask = masks;
  return bce_with_logits(logits, targets, o);
}

std::string Objective::describe() const {
  const Tensor& w = pos_weight_.defined() ? pos_weight_ : class_weight_;
  if (!w.defined()) return name_;
  const std::vector<double> v = w.to_vector();
  char buf[96];
  std::snprintf(buf, sizeof buf, " (%s %.3g … %.3g)", pos_weight_.defined() ? "pos_weight" : "class weights",
                *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
  return name_ + buf;
}

std::vector<size_t> oversample(const data::Dataset& d, const std::vector<size_t>& train, uint64_t seed) {
  if (d.labels.kind != data::LabelKind::multi_class)
    throw std::runtime_error("--oversample is for multi-class data; " + d.spec + " is multi-label");
  std::vector<std::vector<size_t>> by_class(d.labels.size());
  for (size_t i : train) by_class[d.samples[i].class_index()].push_back(i);
  size_t largest = 0;
  for (const auto& members : by_class) largest = std::max(largest, members.size());
  data::Rng rng(seed, data::stream_id(0x0C5A, 0));
  std::vector<size_t> out;
  for (const auto& members : by_class) {
    if (members.empty()) continue;
    for (size_t k = 0; k < largest / members.size(); ++k) out.insert(out.end(), members.begin(), members.end());
    for (size_t k = 0; k < largest % members.size(); ++k) out.push_back(members[static_cast<size_t>(rng.integer(0, static_cast<int64_t>(members.size()) - 1))]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace thorax::train
