#include "train/cross_validation.h"

#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "data/split.h"
#include "tensor/npy.h"
#include "train/experiment.h"
#include "train/run_dir.h"
#include "train/run_eval.h"

namespace thorax::train {

namespace {

nlohmann::json value_of(const nlohmann::json& metric) { return metric.contains("value") ? metric["value"] : nlohmann::json(); }

nlohmann::json mean_sd(const std::vector<nlohmann::json>& values) {
  std::vector<double> v;
  for (const auto& x : values)
    if (x.is_number()) v.push_back(x.get<double>());
  if (v.empty()) return {{"mean", nullptr}, {"sd", nullptr}, {"folds", 0}};
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {{"mean", mean}, {"sd", v.size() > 1 ? nlohmann::json(std::sqrt(ss / (v.size() - 1))) : nlohmann::json()},
          {"folds", v.size()}};
}

}  // namespace

nlohmann::json cross_validate(const TrainConfig& config, const std::string& out_dir, const CvOptions& o) {
  config.check();
  if (o.folds < 3) throw std::invalid_argument("--folds must be at least 3 (one fold tests, one validates, the rest train)");
  RunDir out(out_dir);
  const data::Dataset d = open_for_run(config.data, config.threads, {});
  std::vector<int> fold = data::grouped_stratified_kfold(d, o.folds, config.seed);
  if (config.max_images > 0 && static_cast<size_t>(config.max_images) < d.size()) {
    std::vector<size_t> all(d.size());
    std::iota(all.begin(), all.end(), size_t{0});
    std::vector<int> capped(d.size(), -1);
    for (size_t i : data::stratified_subset(d, all, static_cast<double>(config.max_images) / d.size(), config.seed))
      capped[i] = fold[i];
    fold = capped;
  }
  nlohmann::json cv = {{"folds", o.folds}, {"config", config.to_json()}, {"per_fold", nlohmann::json::array()}};
  std::map<std::string, std::vector<nlohmann::json>> collected;
  std::map<std::string, std::vector<nlohmann::json>> per_class;
  for (int f = 0; f < o.folds; ++f) {
    std::vector<std::string> split(d.size());
    for (size_t i = 0; i < d.size(); ++i)
      if (fold[i] >= 0) split[i] = fold[i] == f ? "test" : fold[i] == (f + 1) % o.folds ? "val" : "train";
    const RunDir run(out.path("fold-" + std::to_string(f)));
    if (!run.has("split.json")) write_json_file(run.split(), data::split_to_json(d, split));
    if (o.run.print) o.run.print("fold " + std::to_string(f + 1) + "/" + std::to_string(o.folds));
    TrainRunOptions ro = o.run;
    ro.resume = run.has("checkpoint-last.safetensors");  // an interrupted cv continues where it stopped
    if (!(ro.resume && run.has("predictions.csv"))) train_run(config, run.root(), ro);

    RunPredictionRequest request;
    request.split = "test";
    request.batch_size = config.batch_size;
    request.threads = config.threads;
    const RunPredictions p = predict_run(run, request);
    EvalOptions eo = o.eval;
    eo.train_prevalence = p.train_prevalence;
    const nlohmann::json eval = evaluate(p.val, p.target, eo);
    write_eval_json(run.path("eval.json"), eval);
    nlohmann::json row = {{"fold", f},
                          {"test_images", data::indices_of(split, "test").size()},
                          {"val_images", data::indices_of(split, "val").size()},
                          {"train_images", data::indices_of(split, "train").size()},
                          {"macro_auroc", value_of(eval["macro"]["auroc"])},
                          {"macro_auprc", value_of(eval["macro"]["auprc"])},
                          {"macro_f1", value_of(eval["macro"]["f1"])},
                          {"micro_auroc", value_of(eval["micro"]["auroc"])},
                          {"per_class_auroc", nlohmann::json::object()}};
    for (const auto& c : eval["per_class"]) {
      row["per_class_auroc"][c["class"].get<std::string>()] = value_of(c["auroc"]);
      per_class[c["class"].get<std::string>()].push_back(value_of(c["auroc"]));
    }
    for (const char* key : {"macro_auroc", "macro_auprc", "macro_f1", "micro_auroc"}) collected[key].push_back(row[key]);
    cv["per_fold"].push_back(row);
  }
  for (const auto& [key, values] : collected) cv["summary"][key] = mean_sd(values);
  for (const auto& [name, values] : per_class) cv["summary"]["per_class_auroc"][name] = mean_sd(values);
  write_json_file(out.path("cv.json"), cv);
  write_file_atomic(out.path("cv.md"), cv_markdown(cv));
  return cv;
}

std::string cv_markdown(const nlohmann::json& cv) {
  auto num = [](const nlohmann::json& v) {
    if (!v.is_number()) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v.get<double>());
    return std::string(b);
  };
  auto pm = [&](const nlohmann::json& s) {
    return s["mean"].is_number() ? num(s["mean"]) + " ± " + (s["sd"].is_number() ? num(s["sd"]) : "n/a") +
                                       " (" + std::to_string(s["folds"].get<int>()) + " folds)"
                                 : std::string("n/a");
  };
  std::string md = "# Cross-validation: " + std::to_string(cv["folds"].get<int>()) +
                   " patient-grouped folds\n\n| fold | train | val | test | macro AUROC | macro AUPRC | macro F1 | micro AUROC |\n|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const auto& r : cv["per_fold"])
    md += "| " + std::to_string(r["fold"].get<int>() + 1) + " | " + std::to_string(r["train_images"].get<int>()) +
          " | " + std::to_string(r["val_images"].get<int>()) + " | " + std::to_string(r["test_images"].get<int>()) +
          " | " + num(r["macro_auroc"]) + " | " + num(r["macro_auprc"]) + " | " + num(r["macro_f1"]) + " | " +
          num(r["micro_auroc"]) + " |\n";
  const auto& s = cv["summary"];
  md += "\nmean ± sd: macro AUROC " + pm(s["macro_auroc"]) + "; macro AUPRC " + pm(s["macro_auprc"]) + "; macro F1 " +
        pm(s["macro_f1"]) + "; micro AUROC " + pm(s["micro_auroc"]) + "\n\n| class | AUROC mean ± sd |\n|---|--:|\n";
  for (const auto& [name, v] : s["per_class_auroc"].items()) md += "| " + name + " | " + pm(v) + " |\n";
  return md;
}

}  // namespace thorax::train
