// Classification metrics as scikit-learn 1.2 defines them, one binary problem (a class, one-vs-rest) at a time.
//
// Every metric takes optional per-row weights: the bootstrap draws a resample as "how many times each row was
// drawn" and reuses one sorted ranking for all its resamples, which gives exactly what the metric would give on the
// resample written out row by row (ties grouped the same way), at the cost of one pass instead of a sort.
//
// A metric without a value (AUROC of a class with no positive images, precision with nothing predicted positive)
// is a Metric whose value is empty and whose reason says why: never a NaN.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace thorax::train {

struct Metric {
  std::optional<double> value;
  std::string reason;  // why there is no value ("no positive images"); empty when there is one

  static Metric of(double v) { return {v, {}}; }
  static Metric undefined(std::string why) { return {std::nullopt, std::move(why)}; }
  bool defined() const { return value.has_value(); }
};

// How many times each row counts, indexed by row; empty: every row counts once.
using Weights = std::span<const double>;

// One binary problem, ranked once: entries in order of decreasing score (tied scores adjacent), each with its 0/1
// label and its row (the index of its weight).
struct RankedScores {
  std::vector<double> score;
  std::vector<uint8_t> label;
  std::vector<uint32_t> row;

  // Entries whose label is NaN (unknown, masked) are left out. `rows` defaults to 0, 1, 2, ...
  static RankedScores rank(std::span<const double> score, std::span<const double> label,
                           std::span<const uint32_t> rows = {});
  size_t size() const { return score.size(); }
};

inline double weight_of(Weights w, uint32_t row) { return w.empty() ? 1.0 : w[row]; }

// Calls visit(threshold, tps, fps) once per distinct score, from the highest down, where tps and fps are the
// weighted positives and negatives scoring at least that threshold (sklearn's _binary_clf_curve).
template <class Visit>
void sweep_thresholds(const RankedScores& r, Weights w, Visit&& visit) {
  double tps = 0, fps = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const double wi = weight_of(w, r.row[i]);
    (r.label[i] ? tps : fps) += wi;
    if (i + 1 == r.size() || r.score[i + 1] != r.score[i]) visit(r.score[i], tps, fps);
  }
}

// Weighted positives and negatives of a ranking; the reason a ranking metric is undefined, or "" when it is not.
struct ClassBalance {
  double positives = 0, negatives = 0;
  std::string undefined_reason() const;
};
ClassBalance class_balance(const RankedScores& r, Weights w = {});

// Area under the ROC curve by the trapezoid rule over tied-score groups (sklearn's roc_auc_score), which equals the
// Mann–Whitney U statistic with ties counted one half.
Metric auroc(const RankedScores& r, Weights w = {});
// Average precision, Σ (R_n − R_{n−1}) P_n over thresholds (sklearn's average_precision_score, not interpolated).
// Undefined without positives and, by thorax's rule, without negatives too (it would be 1 whatever the scores).
Metric average_precision(const RankedScores& r, Weights w = {});

// sklearn's roc_curve: starts at (0, 0) with threshold max score + 1 (sklearn 1.2's convention), then one point per
// distinct score, decreasing. drop_intermediate removes points collinear with their neighbours (sklearn's default,
// same rule). Empty when there are no positives or no negatives.
struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};
RocCurve roc_curve(const RankedScores& r, bool drop_intermediate);

// sklearn's precision_recall_curve: one point per distinct score with thresholds increasing, then the point
// (recall 0, precision 1) without a threshold. recall_steps_only keeps, for each recall value, only its point of
// highest threshold (the corners of the step function whose area is the average precision; thorax's option, not
// sklearn's). Empty when there are no positives.
struct PrCurve {
  std::vector<double> precision, recall, thresholds;
};
PrCurve pr_curve(const RankedScores& r, bool recall_steps_only);

// Weighted decisions against labels.
struct Counts {
  double tp = 0, fp = 0, tn = 0, fn = 0;
  void add(bool label, bool predicted, double w) {
    if (label)
      (predicted ? tp : fn) += w;
    else
      (predicted ? fp : tn) += w;
  }
  Counts& operator+=(const Counts& o) {
    tp += o.tp, fp += o.fp, tn += o.tn, fn += o.fn;
    return *this;
  }
  double total() const { return tp + fp + tn + fn; }
};

Metric precision(const Counts& c);    // tp / (tp + fp); undefined with nothing predicted positive
Metric recall(const Counts& c);       // sensitivity, tp / (tp + fn); undefined without positives
Metric specificity(const Counts& c);  // tn / (tn + fp); undefined without negatives
Metric f1(const Counts& c);           // 2tp / (2tp + fp + fn); undefined with no positives and none predicted
Metric accuracy(const Counts& c);     // (tp + tn) / total
// Multi-label: the fraction of wrong decisions over every known (class, image) cell, given their summed counts
// (sklearn's hamming_loss, with masked cells left out).
Metric hamming_loss(const Counts& all_classes);

// Multi-class: per row the class of highest probability (the first on ties, as numpy's argmax).
std::vector<int> argmax_rows(std::span<const float> prob, size_t rows, int classes);

// Macro averages are taken over a fixed set of classes: those whose metric is defined on the evaluated images
// (defined_classes). A bootstrap resample in which one of them is undefined has no macro value for that resample
// (it is skipped and counted), rather than a mean over a different set of classes.
std::vector<int> defined_classes(std::span<const Metric> per_class);
// The mean of per_class over `classes`; undefined when `classes` is empty or one of them is undefined.
Metric mean_over(std::span<const Metric> per_class, std::span<const int> classes);

}  // namespace thorax::train
