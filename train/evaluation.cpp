#include "train/evaluation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

#include "train/run_dir.h"

namespace thorax::train {

namespace {

using json = nlohmann::json;

enum PerClass { kAuroc, kAuprc, kF1, kPrecision, kRecall, kSpecificity, kAccuracy, kPerClassCount };
const char* const kPerClassNames[kPerClassCount] = {"auroc",  "auprc",       "f1",      "precision",
                                                    "recall", "specificity", "accuracy"};
constexpr int kMacroCount = kAccuracy;     // every per-class metric but accuracy is macro-averaged
constexpr int kMicroCount = kSpecificity;  // micro: auroc, auprc, f1, precision, recall

struct ClassGroup {
  std::string name;  // "rare", "common"
  std::vector<int> classes;
};

bool is_multi_class(const Predictions& p) { return p.labels.kind == data::LabelKind::multi_class; }

// One class's images with a known label: ranked by score for AUROC/AUPRC, and with their decisions for counts.
struct ClassColumn {
  RankedScores ranked;
  std::vector<uint32_t> row;
  std::vector<uint8_t> label, decision;

  Counts counts(Weights w) const {
    Counts c;
    for (size_t i = 0; i < row.size(); ++i) c.add(label[i], decision[i], weight_of(w, row[i]));
    return c;
  }
};

// Every metric of one set of images (the test set or a subgroup) as a flat list of statistics, computed the same
// way for the point estimate (no weights) and for each bootstrap resample (weights).
class MetricSet {
 public:
  MetricSet(const Predictions& p, const std::vector<double>& thresholds, std::vector<ClassGroup> groups)
      : classes_(p.classes()), multi_class_(is_multi_class(p)), groups_(std::move(groups)) {
    const size_t n = p.rows(), c = static_cast<size_t>(classes_);
    const std::vector<int> argmax = multi_class_ ? argmax_rows(p.prob, n, classes_) : std::vector<int>{};
    for (int k = 0; k < classes_; ++k) {
      ClassColumn col;
      col.ranked = rank_class(p, k);
      for (size_t r = 0; r < n; ++r) {
        if (std::isnan(p.y(r, k))) continue;
        col.row.push_back(static_cast<uint32_t>(r));
        col.label.push_back(p.y(r, k) != 0.0f);
        col.decision.push_back(multi_class_ ? argmax[r] == k : p.p(r, k) >= thresholds[k]);
      }
      columns_.push_back(std::move(col));
    }
    std::vector<double> all_score, all_label;
    std::vector<uint32_t> all_row;
    for (size_t r = 0; r < n; ++r)
      for (size_t k = 0; k < c; ++k) {
        all_score.push_back(p.p(r, static_cast<int>(k)));
        all_label.push_back(p.y(r, static_cast<int>(k)));
        all_row.push_back(static_cast<uint32_t>(r));
      }
    micro_ = RankedScores::rank(all_score, all_label, all_row);
    if (multi_class_) {
      truth_.assign(n, -1);
      for (size_t r = 0; r < n; ++r)
        for (int k = 0; k < classes_; ++k)
          if (p.y(r, k) == 1.0f) truth_[r] = k;
      predicted_ = argmax;
    }
  }

  size_t per_class(int k, int m) const { return static_cast<size_t>(k * kPerClassCount + m); }
  size_t macro(int m) const { return per_class(classes_, 0) + static_cast<size_t>(m); }
  size_t micro(int m) const { return macro(kMacroCount) + static_cast<size_t>(m); }
  size_t hamming() const { return micro(kMicroCount); }
  size_t multi_class_accuracy() const { return hamming() + 1; }
  size_t group(size_t g) const { return multi_class_accuracy() + 1 + g; }
  size_t statistics() const { return group(groups_.size()); }

  const std::vector<ClassColumn>& columns() const { return columns_; }
  const std::vector<ClassGroup>& groups() const { return groups_; }
  // The classes each macro average (then each class group's macro AUROC) is taken over; set by point().
  const std::vector<std::vector<int>>& averaged() const { return averaged_; }

  // The point estimate; it also fixes the classes each average is taken over in the resamples.
  std::vector<Metric> point() {
    std::vector<Metric> out;
    compute(Weights{}, out, nullptr, &averaged_);
    return out;
  }

  void resample(Weights w, std::span<std::optional<double>> out) const {
    std::vector<Metric> m;
    compute(w, m, &averaged_, nullptr);
    for (size_t s = 0; s < m.size(); ++s) out[s] = m[s].value;
  }

  std::vector<std::vector<int64_t>> confusion_matrix() const {
    std::vector<std::vector<int64_t>> counts(classes_, std::vector<int64_t>(classes_, 0));
    for (size_t r = 0; r < truth_.size(); ++r)
      if (truth_[r] >= 0) counts[truth_[r]][predicted_[r]] += 1;
    return counts;
  }

 private:
  // With `fixed` null, each average is over the classes where its metric is defined; `chosen` gets those sets.
  void compute(Weights w, std::vector<Metric>& out, const std::vector<std::vector<int>>* fixed,
               std::vector<std::vector<int>>* chosen) const {
    out.assign(statistics(), Metric{});
    Counts total;
    std::vector<std::vector<Metric>> by_metric(kPerClassCount, std::vector<Metric>(classes_));
    for (int k = 0; k < classes_; ++k) {
      const ClassColumn& col = columns_[k];
      const Counts c = col.counts(w);
      total += c;
      const Metric m[kPerClassCount] = {
          auroc(col.ranked, w), average_precision(col.ranked, w), f1(c), precision(c), recall(c), specificity(c),
          accuracy(c)};
      for (int j = 0; j < kPerClassCount; ++j) out[per_class(k, j)] = by_metric[j][k] = m[j];
    }
    std::vector<std::vector<int>> sets;
    if (!fixed) {
      for (int j = 0; j < kMacroCount; ++j) sets.push_back(defined_classes(by_metric[j]));
      for (const ClassGroup& g : groups_) {
        sets.emplace_back();
        for (int k : g.classes)
          if (by_metric[kAuroc][k].defined()) sets.back().push_back(k);
      }
      fixed = &sets;
    }
    for (int j = 0; j < kMacroCount; ++j) out[macro(j)] = mean_over(by_metric[j], (*fixed)[j]);
    for (size_t g = 0; g < groups_.size(); ++g) out[group(g)] = mean_over(by_metric[kAuroc], (*fixed)[kMacroCount + g]);
    const Metric micro_metrics[kMicroCount] = {auroc(micro_, w), average_precision(micro_, w), f1(total),
                                               precision(total), recall(total)};
    for (int j = 0; j < kMicroCount; ++j) out[micro(j)] = micro_metrics[j];
    out[hamming()] = multi_class_ ? Metric::undefined("defined for multi-label classes (see multi_class.accuracy)")
                                  : hamming_loss(total);
    if (multi_class_) {
      double correct = 0, labelled = 0;
      for (size_t r = 0; r < truth_.size(); ++r) {
        if (truth_[r] < 0) continue;
        const double wr = weight_of(w, static_cast<uint32_t>(r));
        labelled += wr;
        correct += truth_[r] == predicted_[r] ? wr : 0.0;
      }
      out[multi_class_accuracy()] =
          labelled > 0 ? Metric::of(correct / labelled) : Metric::undefined("no images with a known label");
    } else {
      out[multi_class_accuracy()] = Metric::undefined("multi-label classes have no single-label accuracy");
    }
    if (chosen) *chosen = *fixed;
  }

  int classes_;
  bool multi_class_;
  std::vector<ClassGroup> groups_;
  std::vector<ClassColumn> columns_;
  RankedScores micro_;
  std::vector<int> truth_, predicted_;  // multi-class: true class (-1 unknown) and argmax, per row
  std::vector<std::vector<int>> averaged_;
};

json number_or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json point_json(const Metric& m) {
  json j = {{"value", number_or_null(m.value)}};
  if (!m.defined()) j["reason"] = m.reason;
  return j;
}

// A set's metric block (evaluation.h, "B"); `group_averages` gets each class group's macro AUROC.
json evaluate_block(const Predictions& p, const std::vector<double>& thresholds, std::vector<ClassGroup> groups,
                    const BootstrapOptions& bootstrap, std::vector<json>* group_averages = nullptr) {
  MetricSet set(p, thresholds, std::move(groups));
  const std::vector<Metric> point = set.point();
  const ResampleUnits units = ResampleUnits::of(p.patient_id);
  const BootstrapSamples samples = run_bootstrap(
      units, set.statistics(), [&](Weights w, auto out) { set.resample(w, out); }, bootstrap);
  auto stat = [&](size_t s) { return metric_json(point[s], percentile_interval(samples[s], bootstrap.level)); };
  auto average = [&](size_t s, const std::vector<int>& candidates, const std::vector<int>& averaged, int metric) {
    json j = stat(s);
    j["classes"] = averaged.size();
    j["excluded"] = json::array();
    for (int k : candidates)
      if (!std::count(averaged.begin(), averaged.end(), k))
        j["excluded"].push_back({{"class", p.labels.names[k]}, {"reason", point[set.per_class(k, metric)].reason}});
    return j;
  };
  std::vector<int> every(static_cast<size_t>(p.classes()));
  for (int k = 0; k < p.classes(); ++k) every[k] = k;

  json block = {{"images", p.rows()}, {"patients", units.units}, {"per_class", json::array()}};
  for (int k = 0; k < p.classes(); ++k) {
    const ClassColumn& col = set.columns()[k];
    const ClassBalance balance = class_balance(col.ranked);
    const Counts c = col.counts({});
    auto count = [](double v) { return static_cast<int64_t>(v); };  // unweighted: whole numbers
    json row = {{"class", p.labels.names[k]},
                {"positives", count(balance.positives)},
                {"negatives", count(balance.negatives)},
                {"masked", p.rows() - col.row.size()},
                {"prevalence", col.row.empty() ? json(nullptr) : json(balance.positives / col.row.size())},
                {"threshold", is_multi_class(p) ? json(nullptr) : json(thresholds[k])},
                {"tp", count(c.tp)},
                {"fp", count(c.fp)},
                {"tn", count(c.tn)},
                {"fn", count(c.fn)}};
    for (int j = 0; j < kPerClassCount; ++j) row[kPerClassNames[j]] = stat(set.per_class(k, j));
    block["per_class"].push_back(row);
  }
  for (int j = 0; j < kMacroCount; ++j)
    block["macro"][kPerClassNames[j]] = average(set.macro(j), every, set.averaged()[j], j);
  for (int j = 0; j < kMicroCount; ++j) block["micro"][kPerClassNames[j]] = stat(set.micro(j));
  block["hamming_loss"] = stat(set.hamming());
  block["multi_class"] = nullptr;
  if (is_multi_class(p))
    block["multi_class"] = {
        {"accuracy", stat(set.multi_class_accuracy())},
        {"confusion_matrix",
         {{"rows", "true class"}, {"columns", "predicted class (argmax)"}, {"counts", set.confusion_matrix()}}}};
  if (group_averages)
    for (size_t g = 0; g < set.groups().size(); ++g)
      group_averages->push_back(
          average(set.group(g), set.groups()[g].classes, set.averaged()[kMacroCount + g], kAuroc));
  return block;
}

std::string age_band(int age) {
  if (age < 0) return "";
  if (age < 18) return "0-17";
  if (age < 40) return "18-39";
  if (age < 60) return "40-59";
  if (age < 80) return "60-79";
  return "80+";
}

json subgroup_tables(const Predictions& test, const std::vector<double>& thresholds, const EvalOptions& options) {
  struct Attribute {
    const char* name;
    std::function<std::string(size_t)> key;
    std::vector<std::string> order;  // groups listed first, in this order (the rest sorted)
  };
  const std::vector<Attribute> attributes = {
      {"sex", [&](size_t r) { return test.sex[r]; }, {"F", "M"}},
      {"view", [&](size_t r) { return test.view[r]; }, {}},
      {"age", [&](size_t r) { return age_band(test.age[r]); }, {"0-17", "18-39", "40-59", "60-79", "80+"}}};
  json out = {{"min_images", options.subgroup_min_images}, {"attributes", json::array()}};
  for (const Attribute& a : attributes) {
    std::map<std::string, std::vector<size_t>> rows;
    size_t unknown = 0;
    for (size_t r = 0; r < test.rows(); ++r) {
      const std::string key = a.key(r);
      if (key.empty())
        ++unknown;
      else
        rows[key].push_back(r);
    }
    std::vector<std::string> names;
    for (const std::string& g : a.order)
      if (rows.count(g)) names.push_back(g);
    for (const auto& [g, unused] : rows)
      if (std::find(names.begin(), names.end(), g) == names.end()) names.push_back(g);
    json entry = {{"attribute", a.name}, {"unknown", unknown}, {"groups", json::array()}, {"skipped", json::array()}};
    for (const std::string& g : names) {
      const std::vector<size_t>& members = rows[g];
      if (members.size() < static_cast<size_t>(options.subgroup_min_images)) {
        entry["skipped"].push_back(
            {{"group", g},
             {"images", members.size()},
             {"reason", "fewer than " + std::to_string(options.subgroup_min_images) + " images"}});
        continue;
      }
      Predictions subset;
      subset.labels = test.labels;
      for (size_t r : members) subset.append_row(test, r);
      json block = evaluate_block(subset, thresholds, {}, options.bootstrap);
      block["group"] = g;
      entry["groups"].push_back(std::move(block));
    }
    out["attributes"].push_back(std::move(entry));
  }
  return out;
}

json curves_json(const Predictions& test) {
  json out = json::array();
  for (int k = 0; k < test.classes(); ++k) {
    const RankedScores ranked = rank_class(test, k);
    json entry = {{"class", test.labels.names[k]}, {"roc", nullptr}, {"pr", nullptr}};
    if (std::string why = class_balance(ranked).undefined_reason(); !why.empty()) {
      entry["reason"] = why;
    } else {
      const RocCurve roc = roc_curve(ranked, true);
      const PrCurve pr = pr_curve(ranked, true);
      entry["roc"] = {{"fpr", roc.fpr}, {"tpr", roc.tpr}, {"thresholds", roc.thresholds}};
      entry["pr"] = {{"precision", pr.precision}, {"recall", pr.recall}, {"thresholds", pr.thresholds}};
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

RankedScores rank_class(const Predictions& p, int k) {
  std::vector<double> score(p.rows()), label(p.rows());
  for (size_t r = 0; r < p.rows(); ++r) {
    score[r] = p.p(r, k);
    label[r] = p.y(r, k);
  }
  return RankedScores::rank(score, label);
}

json metric_json(const Metric& m, const Interval& iv) {
  json j = {{"value", number_or_null(m.value)},
            {"low", m.defined() ? number_or_null(iv.low) : json(nullptr)},
            {"high", m.defined() ? number_or_null(iv.high) : json(nullptr)},
            {"resamples", iv.used},
            {"skipped", iv.skipped}};
  if (!m.defined()) j["reason"] = m.reason;
  return j;
}

json evaluate(const Predictions& validation, const Predictions& test, const EvalOptions& options) {
  test.check();
  if (test.rows() == 0) throw std::invalid_argument("evaluate: there are no test predictions to evaluate");
  if (validation.rows() > 0) {
    validation.check();
    if (validation.labels.kind != test.labels.kind || validation.labels.names != test.labels.names)
      throw std::invalid_argument("evaluate: validation predictions have [" + validation.labels.describe() +
                                  "] but test predictions have [" + test.labels.describe() + "]");
  }
  const int classes = test.classes();
  if (!options.train_prevalence.empty() && options.train_prevalence.size() != static_cast<size_t>(classes))
    throw std::invalid_argument("evaluate: " + std::to_string(options.train_prevalence.size()) +
                                " training prevalences given for " + std::to_string(classes) + " classes");
  if (options.subgroup_min_images < 1) throw std::invalid_argument("evaluate: the subgroup minimum must be at least 1");

  // Thresholds: chosen on validation per class (multi-label), or none (multi-class argmax).
  std::vector<double> thresholds(static_cast<size_t>(classes), kDefaultThreshold);
  json threshold_json = {{"per_class", json::array()}};
  if (is_multi_class(test)) {
    threshold_json["rule"] = "argmax";
    threshold_json["chosen_on"] = nullptr;
  } else {
    const bool tuned = validation.rows() > 0;
    threshold_json["rule"] = tuned ? threshold_rule_name(options.threshold_rule) : "fixed";
    threshold_json["chosen_on"] = tuned ? json("validation") : json(nullptr);
    for (int k = 0; k < classes; ++k) {
      ChosenThreshold chosen{kDefaultThreshold, Metric::undefined("no validation predictions: 0.5 is used")};
      if (tuned) chosen = choose_threshold(rank_class(validation, k), options.threshold_rule);
      thresholds[k] = chosen.threshold;
      threshold_json["per_class"].push_back({{"class", test.labels.names[k]},
                                             {"threshold", chosen.threshold},
                                             {"criterion", point_json(chosen.criterion)}});
    }
  }
  if (is_multi_class(test))
    for (const std::string& name : test.labels.names)
      threshold_json["per_class"].push_back({{"class", name}, {"threshold", nullptr}, {"criterion", nullptr}});

  std::vector<ClassGroup> groups;
  if (!options.train_prevalence.empty()) {
    groups = {{"rare", {}}, {"common", {}}};
    for (int k = 0; k < classes; ++k)
      groups[options.train_prevalence[k] < options.rare_below ? 0 : 1].classes.push_back(k);
  }
  std::vector<json> group_averages;
  json eval = evaluate_block(test, thresholds, groups, options.bootstrap, &group_averages);

  const ResampleUnits units = ResampleUnits::of(test.patient_id);
  eval["schema"] = "thorax-eval-1";
  eval["labels"] = test.labels.to_json();
  eval["validation_images"] = validation.rows();
  eval["bootstrap"] = {{"method", "percentile"},
                       {"resamples", options.bootstrap.resamples},
                       {"seed", options.bootstrap.seed},
                       {"level", options.bootstrap.level},
                       {"unit", units.patients ? "patient" : "image"},
                       {"units", units.units}};
  eval["thresholds"] = threshold_json;
  eval["subgroups"] = subgroup_tables(test, thresholds, options);
  if (groups.empty()) {
    eval["rare_common"] = {{"reason", "the training prevalence of each class was not given"}};
  } else {
    eval["rare_common"] = {{"below", options.rare_below}};
    for (size_t g = 0; g < groups.size(); ++g) {
      json names = json::array();
      for (int k : groups[g].classes) names.push_back(test.labels.names[k]);
      eval["rare_common"][groups[g].name] = {{"classes", names}, {"macro_auroc", group_averages[g]}};
    }
    for (int k = 0; k < classes; ++k) eval["per_class"][k]["train_prevalence"] = options.train_prevalence[k];
  }
  eval["curves"] = options.curves ? curves_json(test) : json::array();
  return eval;
}

void write_eval_json(const std::string& path, const nlohmann::json& eval) { write_json_file(path, eval); }

}  // namespace thorax::train
