#include "train/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "data/spec.h"
#include "train/evaluation.h"
#include "train/run_dir.h"

namespace thorax::train {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string some(const std::vector<std::string>& ids) {
  std::vector<std::string> first(ids.begin(), ids.begin() + std::min<size_t>(ids.size(), 3));
  for (std::string& s : first) s = "'" + s + "'";
  return data::join(first) + (ids.size() > 3 ? ", ..." : "");
}

bool same_label(float x, float y) { return (std::isnan(x) && std::isnan(y)) || x == y; }

// B's rows in A's order; throws when the image sets or the labels differ.
Predictions align(const Predictions& a, const Predictions& b, const std::string& name_a, const std::string& name_b) {
  if (a.labels.kind != b.labels.kind || a.labels.names != b.labels.names)
    throw std::invalid_argument("the runs have different label spaces: " + name_a + " has [" + a.labels.describe() +
                                "], " + name_b + " has [" + b.labels.describe() + "]");
  std::unordered_map<std::string, size_t> in_b;
  for (size_t r = 0; r < b.rows(); ++r) in_b.emplace(b.image[r], r);
  std::set<std::string> in_a(a.image.begin(), a.image.end());
  std::vector<std::string> only_a, only_b;
  for (const std::string& id : a.image)
    if (!in_b.count(id)) only_a.push_back(id);
  for (const std::string& id : b.image)
    if (!in_a.count(id)) only_b.push_back(id);
  if (!only_a.empty() || !only_b.empty()) {
    auto side = [](size_t n, const std::string& name, const std::vector<std::string>& ids) {
      return std::to_string(n) + " only in " + name + (ids.empty() ? "" : " (" + some(ids) + ")");
    };
    throw std::invalid_argument("the runs' predictions are not on the same images: " + name_a + " has " +
                                std::to_string(a.rows()) + ", " + name_b + " has " + std::to_string(b.rows()) + "; " +
                                side(only_a.size(), name_a, only_a) + ", " + side(only_b.size(), name_b, only_b) +
                                ". A paired comparison needs both runs evaluated on the same images");
  }
  Predictions out;
  out.labels = b.labels;
  std::vector<std::string> disagree;
  for (size_t r = 0; r < a.rows(); ++r) {
    const size_t rb = in_b.at(a.image[r]);
    out.append_row(b, rb);
    for (int k = 0; k < a.classes(); ++k)
      if (!same_label(a.y(r, k), b.y(rb, k))) {
        disagree.push_back(a.image[r]);
        break;
      }
  }
  if (!disagree.empty())
    throw std::invalid_argument("the runs disagree on the labels of " + std::to_string(disagree.size()) + " of " +
                                std::to_string(a.rows()) + " images (" + some(disagree) +
                                "): a comparison needs the same ground truth (same data and label policy)");
  return out;
}

std::vector<RankedScores> rank_classes(const Predictions& p) {
  std::vector<RankedScores> out;
  for (int k = 0; k < p.classes(); ++k) out.push_back(rank_class(p, k));
  return out;
}

json number_or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

Metric difference(const Metric& a, const Metric& b) {
  if (!a.defined()) return Metric::undefined("A: " + a.reason);
  if (!b.defined()) return Metric::undefined("B: " + b.reason);
  return Metric::of(*b.value - *a.value);
}

std::string signed_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.4f", v);
  return buf;
}

std::string verdict(const json& macro, const std::string& name_a, const std::string& name_b, double level) {
  const json& d = macro["difference"];
  const std::string percent = std::to_string(static_cast<int>(std::lround(level * 100)));
  if (!d["value"].is_number())
    return "No difference in macro AUROC can be computed: " + d["reason"].get<std::string>() + ".";
  if (!d["low"].is_number())
    return "B - A macro AUROC is " + signed_number(d["value"]) + ", without a confidence interval (no resamples).";
  const std::string ci = "[" + signed_number(d["low"]) + ", " + signed_number(d["high"]) + "]";
  if (d["low"].get<double>() > 0)
    return "B (" + name_b + ") has the higher macro AUROC: the " + percent + "% CI of B - A, " + ci +
           ", excludes zero.";
  if (d["high"].get<double>() < 0)
    return "A (" + name_a + ") has the higher macro AUROC: the " + percent + "% CI of B - A, " + ci +
           ", excludes zero.";
  return "No difference shown: the " + percent + "% CI of B - A, " + ci + ", includes zero.";
}

}  // namespace

json compare(const Predictions& a, const Predictions& b_in, const std::string& name_a, const std::string& name_b,
             const std::string& split, const BootstrapOptions& options) {
  a.check();
  b_in.check();
  if (a.rows() == 0) throw std::invalid_argument(name_a + " has no predictions to compare");
  const Predictions b = align(a, b_in, name_a, name_b);
  const int classes = a.classes();
  const std::vector<RankedScores> ranked_a = rank_classes(a), ranked_b = rank_classes(b);

  // Statistics: per class (A, B, B − A), then the macro (A, B, B − A) over the classes defined for both runs.
  std::vector<Metric> point(3 * static_cast<size_t>(classes) + 3);
  std::vector<int> averaged;
  std::vector<Metric> auroc_a(classes), auroc_b(classes);
  auto per_class = [&](Weights w, std::vector<Metric>& am, std::vector<Metric>& bm, std::vector<Metric>& out) {
    for (int k = 0; k < classes; ++k) {
      am[k] = auroc(ranked_a[k], w);
      bm[k] = auroc(ranked_b[k], w);
      out[3 * k] = am[k];
      out[3 * k + 1] = bm[k];
      out[3 * k + 2] = difference(am[k], bm[k]);
    }
    const size_t m = 3 * static_cast<size_t>(classes);
    out[m] = mean_over(am, averaged);
    out[m + 1] = mean_over(bm, averaged);
    out[m + 2] = difference(out[m], out[m + 1]);
  };
  for (int k = 0; k < classes; ++k)
    if (auroc(ranked_a[k]).defined() && auroc(ranked_b[k]).defined()) averaged.push_back(k);
  per_class({}, auroc_a, auroc_b, point);

  const ResampleUnits units = ResampleUnits::of(a.patient_id);
  const BootstrapSamples samples = run_bootstrap(
      units, point.size(),
      [&](Weights w, std::span<std::optional<double>> out) {
        std::vector<Metric> am(classes), bm(classes), m(point.size());
        per_class(w, am, bm, m);
        for (size_t s = 0; s < m.size(); ++s) out[s] = m[s].value;
      },
      options);
  auto stat = [&](size_t s) { return metric_json(point[s], percentile_interval(samples[s], options.level)); };

  json out = {{"schema", "thorax-compare-1"},
              {"a", name_a},
              {"b", name_b},
              {"split", split},
              {"labels", a.labels.to_json()},
              {"images", a.rows()},
              {"patients", units.units},
              {"bootstrap",
               {{"method", "paired percentile"},
                {"resamples", options.resamples},
                {"seed", options.seed},
                {"level", options.level},
                {"unit", units.patients ? "patient" : "image"},
                {"units", units.units}}},
              {"difference", "b - a"},
              {"per_class", json::array()}};
  for (int k = 0; k < classes; ++k)
    out["per_class"].push_back({{"class", a.labels.names[k]},
                                {"auroc_a", stat(3 * k)},
                                {"auroc_b", stat(3 * k + 1)},
                                {"difference", stat(3 * k + 2)},
                                {"fraction_at_most_zero", number_or_null(fraction_at_most(samples[3 * k + 2], 0.0))}});
  const size_t m = 3 * static_cast<size_t>(classes);
  json excluded = json::array();
  for (int k = 0; k < classes; ++k)
    if (!std::count(averaged.begin(), averaged.end(), k))
      excluded.push_back({{"class", a.labels.names[k]}, {"reason", point[3 * k + 2].reason}});
  out["macro"] = {
      {"classes", averaged.size()}, {"excluded", excluded},
      {"auroc_a", stat(m)},         {"auroc_b", stat(m + 1)},
      {"difference", stat(m + 2)},  {"fraction_at_most_zero", number_or_null(fraction_at_most(samples[m + 2], 0.0))}};
  out["verdict"] = verdict(out["macro"], name_a, name_b, options.level);
  return out;
}

Predictions read_run_predictions(const std::string& run_dir, std::optional<data::LabelKind> kind,
                                 const std::string& split) {
  if (!fs::is_directory(run_dir)) throw std::invalid_argument("run directory " + run_dir + " does not exist");
  const std::string csv = (fs::path(run_dir) / "predictions.csv").string();
  const std::string config = (fs::path(run_dir) / "config.json").string();
  if (!fs::exists(csv))
    throw std::invalid_argument(csv + " does not exist: compare needs the predictions of both runs");
  std::optional<data::LabelSpace> recorded;
  if (fs::exists(config)) {
    const json j = read_json_file(config);
    if (!j.contains("labels"))
      throw std::invalid_argument(config + " has no \"labels\" key to give the label kind (pass --kind)");
    try {
      recorded = data::LabelSpace::from_json(j["labels"]);
    } catch (const std::exception& e) {
      throw std::invalid_argument(config + ", key \"labels\": " + e.what());
    }
    if (kind && *kind != recorded->kind)
      throw std::invalid_argument("--kind " + std::string(data::label_kind_name(*kind)) + " contradicts " + config +
                                  ", which records " + data::label_kind_name(recorded->kind));
    kind = recorded->kind;
  }
  if (!kind)
    throw std::invalid_argument(run_dir +
                                " has no config.json to give the label kind: pass --kind multi-label or "
                                "--kind multi-class");
  Predictions all = read_predictions_csv(csv, *kind);
  if (recorded && recorded->names != all.labels.names)
    throw std::invalid_argument(csv + " has the classes [" + all.labels.describe() + "] but " + config + " records [" +
                                recorded->describe() + "]");
  Predictions chosen = select_split(all, split);
  if (chosen.rows() == 0) {
    std::set<std::string> splits(all.split.begin(), all.split.end());
    std::vector<std::string> names;
    for (const std::string& s : splits) names.push_back("'" + s + "'");
    throw std::invalid_argument(csv + " has no rows of split '" + split + "' (its splits: " + data::join(names) + ")");
  }
  return chosen;
}

std::string format_comparison(const json& c) {
  auto cell = [](const json& m) {
    if (!m["value"].is_number()) return std::string("n/a");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", m["value"].get<double>());
    return std::string(buf);
  };
  auto interval = [](const json& m) {
    if (!m["value"].is_number()) return "(" + m["reason"].get<std::string>() + ")";
    if (!m["low"].is_number()) return std::string("(no resamples)");
    return "[" + signed_number(m["low"]) + ", " + signed_number(m["high"]) + "]";
  };
  auto fraction = [](const json& f) {
    if (!f.is_number()) return std::string("n/a");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", f.get<double>());
    return std::string(buf);
  };
  const json& boot = c["bootstrap"];
  const json& macro = c["macro"];
  const std::string macro_name = "macro (" + std::to_string(macro["classes"].get<int>()) + " classes)";
  size_t width = macro_name.size();
  for (const json& row : c["per_class"]) width = std::max(width, row["class"].get<std::string>().size());
  const std::string level = std::to_string(static_cast<int>(std::lround(boot["level"].get<double>() * 100)));
  std::string out = "A: " + c["a"].get<std::string>() + "\nB: " + c["b"].get<std::string>() + "\n";
  out += (c["split"].get<std::string>().empty() ? std::string("all rows") : c["split"].get<std::string>() + " split") +
         ": " + std::to_string(c["images"].get<int64_t>()) + " images of " +
         std::to_string(c["patients"].get<int64_t>()) + " patients; paired bootstrap over " +
         std::to_string(boot["units"].get<int64_t>()) + " " + boot["unit"].get<std::string>() + "s, " +
         std::to_string(boot["resamples"].get<int>()) + " resamples, seed " +
         std::to_string(boot["seed"].get<uint64_t>()) + "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %8s  %8s  %8s  %-22s  %s\n", static_cast<int>(width), "class", "AUROC A",
                "AUROC B", "B - A", (level + "% CI of B - A").c_str(), "share B - A <= 0");
  out += line;
  auto row_line = [&](const std::string& name, const json& r) {
    std::snprintf(line, sizeof line, "%-*s  %8s  %8s  %8s  %-22s  %s\n", static_cast<int>(width), name.c_str(),
                  cell(r["auroc_a"]).c_str(), cell(r["auroc_b"]).c_str(),
                  r["difference"]["value"].is_number() ? signed_number(r["difference"]["value"]).c_str() : "n/a",
                  interval(r["difference"]).c_str(), fraction(r["fraction_at_most_zero"]).c_str());
    out += line;
  };
  for (const json& row : c["per_class"]) row_line(row["class"], row);
  row_line(macro_name, macro);
  for (const json& e : macro["excluded"])
    out += "not in the macro average: " + e["class"].get<std::string>() + " (" + e["reason"].get<std::string>() + ")\n";
  return out + c["verdict"].get<std::string>() + "\n";
}

}  // namespace thorax::train
