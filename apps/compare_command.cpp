#include "apps/compare_command.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "train/compare.h"
#include "train/run_dir.h"
#include "train/run_eval.h"

namespace thorax::apps {

void add_compare_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "compare",
      "Compare two runs' AUROC on the same images: per class and macro, with the paired-bootstrap 95% "
      "confidence interval of the difference B - A (resampling patients when images share them)");
  struct Opts {
    std::vector<std::string> runs;
    std::string split = "test", kind, json, data;
    int resamples = 1000, threads = 2;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--runs", o->runs, "Two run directories A B, each with predictions.csv (and config.json)")
      ->required()
      ->expected(2);
  cmd->add_option("--split", o->split,
                  "Which rows of predictions.csv to compare (\"\" for all); with --data: a split of the runs' "
                  "split.json, or all (the default with --data)")
      ->capture_default_str();
  cmd->add_option("--data", o->data,
                  "Predict both runs afresh on this dataset (e.g. another hospital's images, mapped onto the "
                  "models' classes by name) instead of reading their predictions.csv");
  cmd->add_option("--resamples", o->resamples, "Bootstrap resamples")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--seed", o->seed, "Seed of the bootstrap draws")->capture_default_str();
  cmd->add_option("--kind", o->kind, "Label kind, for run directories without config.json")
      ->check(CLI::IsMember({"multi-label", "multi-class"}));
  cmd->add_option("--json", o->json, "Also write the comparison as JSON to this file");
  cmd->add_option("--threads", o->threads, "Threads for the bootstrap (results do not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->callback([o, cmd] {
    std::optional<data::LabelKind> kind;
    if (!o->kind.empty()) kind = o->kind == "multi-class" ? data::LabelKind::multi_class : data::LabelKind::multi_label;
    auto predictions = [&](const std::string& run) {
      if (o->data.empty()) return train::read_run_predictions(run, kind, o->split);
      train::RunPredictionRequest request;
      request.data = o->data;
      request.split = o->split;
      request.threads = o->threads;
      return train::predict_run(train::RunDir(run, false), request).target;
    };
    if (!o->data.empty() && cmd->count("--split") == 0) o->split = "all";
    const train::Predictions a = predictions(o->runs[0]);
    const train::Predictions b = predictions(o->runs[1]);
    train::BootstrapOptions boot;
    boot.resamples = o->resamples;
    boot.seed = o->seed;
    boot.threads = o->threads;
    const nlohmann::json c = train::compare(a, b, o->runs[0], o->runs[1], o->split, boot);
    std::fputs(train::format_comparison(c).c_str(), stdout);
    if (!o->json.empty()) {
      train::write_json_file(o->json, c);
      std::printf("wrote %s\n", o->json.c_str());
    }
  });
}

}  // namespace thorax::apps
