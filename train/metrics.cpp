#include "train/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace thorax::train {

RankedScores RankedScores::rank(std::span<const double> score, std::span<const double> label,
                                std::span<const uint32_t> rows) {
  if (score.size() != label.size() || (!rows.empty() && rows.size() != score.size()))
    throw std::invalid_argument("rank: " + std::to_string(score.size()) + " scores, " + std::to_string(label.size()) +
                                " labels and " + std::to_string(rows.size()) + " row indices do not pair up");
  std::vector<uint32_t> keep;
  for (size_t i = 0; i < score.size(); ++i) {
    if (std::isnan(label[i])) continue;
    if (std::isnan(score[i])) throw std::invalid_argument("rank: score " + std::to_string(i) + " is NaN");
    keep.push_back(static_cast<uint32_t>(i));
  }
  std::stable_sort(keep.begin(), keep.end(), [&](uint32_t a, uint32_t b) { return score[a] > score[b]; });
  RankedScores r;
  r.score.reserve(keep.size());
  r.label.reserve(keep.size());
  r.row.reserve(keep.size());
  for (uint32_t i : keep) {
    r.score.push_back(score[i]);
    r.label.push_back(label[i] != 0.0);
    r.row.push_back(rows.empty() ? i : rows[i]);
  }
  return r;
}

std::string ClassBalance::undefined_reason() const {
  if (positives <= 0 && negatives <= 0) return "no images with a known label";
  if (positives <= 0) return "no positive images";
  if (negatives <= 0) return "no negative images";
  return "";
}

ClassBalance class_balance(const RankedScores& r, Weights w) {
  ClassBalance b;
  for (size_t i = 0; i < r.size(); ++i) (r.label[i] ? b.positives : b.negatives) += weight_of(w, r.row[i]);
  return b;
}

Metric auroc(const RankedScores& r, Weights w) {
  double area = 0, last_tps = 0, last_fps = 0;
  sweep_thresholds(r, w, [&](double, double tps, double fps) {
    area += (fps - last_fps) * (tps + last_tps) * 0.5;
    last_tps = tps;
    last_fps = fps;
  });
  ClassBalance b{last_tps, last_fps};
  if (std::string why = b.undefined_reason(); !why.empty()) return Metric::undefined(why);
  return Metric::of(area / (b.positives * b.negatives));
}

Metric average_precision(const RankedScores& r, Weights w) {
  double sum = 0, last_tps = 0, last_fps = 0;
  sweep_thresholds(r, w, [&](double, double tps, double fps) {
    if (tps > last_tps) sum += (tps - last_tps) * tps / (tps + fps);
    last_tps = tps;
    last_fps = fps;
  });
  ClassBalance b{last_tps, last_fps};
  if (std::string why = b.undefined_reason(); !why.empty()) return Metric::undefined(why);
  return Metric::of(sum / b.positives);
}

namespace {

struct SweepPoints {
  std::vector<double> threshold, tps, fps;
};

SweepPoints sweep_points(const RankedScores& r) {
  SweepPoints s;
  sweep_thresholds(r, {}, [&](double t, double tps, double fps) {
    s.threshold.push_back(t);
    s.tps.push_back(tps);
    s.fps.push_back(fps);
  });
  return s;
}

}  // namespace

RocCurve roc_curve(const RankedScores& r, bool drop_intermediate) {
  RocCurve c;
  if (!class_balance(r).undefined_reason().empty()) return c;
  SweepPoints s = sweep_points(r);
  const size_t n = s.threshold.size();
  std::vector<size_t> keep;
  for (size_t i = 0; i < n; ++i) {
    const bool corner = i == 0 || i + 1 == n || s.fps[i + 1] - 2 * s.fps[i] + s.fps[i - 1] != 0 ||
                        s.tps[i + 1] - 2 * s.tps[i] + s.tps[i - 1] != 0;
    if (!drop_intermediate || n <= 2 || corner) keep.push_back(i);
  }
  const double positives = s.tps.back(), negatives = s.fps.back();
  c.fpr.push_back(0);
  c.tpr.push_back(0);
  c.thresholds.push_back(s.threshold[0] + 1);
  for (size_t i : keep) {
    c.fpr.push_back(s.fps[i] / negatives);
    c.tpr.push_back(s.tps[i] / positives);
    c.thresholds.push_back(s.threshold[i]);
  }
  return c;
}

PrCurve pr_curve(const RankedScores& r, bool recall_steps_only) {
  PrCurve c;
  if (class_balance(r).positives <= 0) return c;
  SweepPoints s = sweep_points(r);
  const double positives = s.tps.back();
  for (size_t j = s.threshold.size(); j-- > 0;) {  // thresholds increasing, as sklearn returns them
    const double predicted = s.tps[j] + s.fps[j];
    const double recall = s.tps[j] / positives;
    if (recall_steps_only && !c.recall.empty() && c.recall.back() == recall) {
      c.precision.pop_back();
      c.recall.pop_back();
      c.thresholds.pop_back();
    }
    c.precision.push_back(predicted > 0 ? s.tps[j] / predicted : 0.0);
    c.recall.push_back(recall);
    c.thresholds.push_back(s.threshold[j]);
  }
  if (recall_steps_only && c.recall.back() == 0) {
    c.precision.pop_back();
    c.recall.pop_back();
    c.thresholds.pop_back();
  }
  c.precision.push_back(1);
  c.recall.push_back(0);
  return c;
}

Metric precision(const Counts& c) {
  if (c.tp + c.fp <= 0) return Metric::undefined("no image predicted positive");
  return Metric::of(c.tp / (c.tp + c.fp));
}

Metric recall(const Counts& c) {
  if (c.tp + c.fn <= 0) return Metric::undefined("no positive images");
  return Metric::of(c.tp / (c.tp + c.fn));
}

Metric specificity(const Counts& c) {
  if (c.tn + c.fp <= 0) return Metric::undefined("no negative images");
  return Metric::of(c.tn / (c.tn + c.fp));
}

Metric f1(const Counts& c) {
  if (2 * c.tp + c.fp + c.fn <= 0) return Metric::undefined("no positive images and none predicted positive");
  return Metric::of(2 * c.tp / (2 * c.tp + c.fp + c.fn));
}

Metric accuracy(const Counts& c) {
  if (c.total() <= 0) return Metric::undefined("no images with a known label");
  return Metric::of((c.tp + c.tn) / c.total());
}

Metric hamming_loss(const Counts& c) {
  if (c.total() <= 0) return Metric::undefined("no images with a known label");
  return Metric::of((c.fp + c.fn) / c.total());
}

std::vector<int> argmax_rows(std::span<const float> prob, size_t rows, int classes) {
  if (prob.size() != rows * static_cast<size_t>(classes))
    throw std::invalid_argument("argmax_rows: " + std::to_string(prob.size()) + " probabilities for " +
                                std::to_string(rows) + " rows of " + std::to_string(classes) + " classes");
  std::vector<int> out(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* p = prob.data() + r * classes;
    out[r] = static_cast<int>(std::max_element(p, p + classes) - p);
  }
  return out;
}

std::vector<int> defined_classes(std::span<const Metric> per_class) {
  std::vector<int> out;
  for (size_t k = 0; k < per_class.size(); ++k)
    if (per_class[k].defined()) out.push_back(static_cast<int>(k));
  return out;
}

Metric mean_over(std::span<const Metric> per_class, std::span<const int> classes) {
  if (classes.empty()) return Metric::undefined("no class has a value");
  double sum = 0;
  for (int k : classes) {
    if (!per_class[k].defined()) return Metric::undefined("a class of the average has no value");
    sum += *per_class[k].value;
  }
  return Metric::of(sum / static_cast<double>(classes.size()));
}

}  // namespace thorax::train
