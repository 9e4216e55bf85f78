#include "apps/ensemble_command.h"

#include <cstdio>
#include <memory>

#include "train/ensemble.h"
#include "train/evaluation.h"

namespace thorax::apps {

void add_ensemble_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> runs;
    std::string method = "mean", out, threshold = "youden";
    int resamples = 1000, threads = 2;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "ensemble",
      "Combine runs trained on the same split and evaluate the ensemble on its test images: mean or weighted "
      "(by validation AUROC) probabilities then thresholds (combine-then-predict), or vote (each run decides, the "
      "majority wins: predict-then-combine).\nExample: thorax ensemble --runs runs/a runs/b runs/c --method vote --out runs/ens");
  cmd->add_option("--runs", o->runs, "Run directories (at least two)")->required();
  cmd->add_option("--method", o->method, "mean | weighted | vote");
  cmd->add_option("--out", o->out, "Output folder: predictions.csv, eval.json, eval_per_class.csv, eval.md")->required();
  cmd->add_option("--threshold", o->threshold, "Thresholds chosen on validation: youden | f1");
  cmd->add_option("--resamples", o->resamples, "Bootstrap resamples (0: no intervals)")->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", o->seed, "Bootstrap seed");
  cmd->add_option("--threads", o->threads, "Threads")->check(CLI::Range(1, 256));
  cmd->callback([o] {
    const train::ThresholdRule rule = train::parse_threshold_rule(o->threshold);
    const train::EnsembleResult e = train::combine_runs(o->runs, o->method, rule);
    train::EvalOptions eo;
    eo.threshold_rule = rule;
    eo.bootstrap.resamples = o->resamples;
    eo.bootstrap.seed = o->seed;
    eo.bootstrap.threads = o->threads;
    // Vote fractions are decided by majority (0.5), not by thresholds tuned again on validation.
    const train::Predictions val = e.votes ? train::Predictions{} : train::select_split(e.predictions, "val");
    nlohmann::json eval = train::evaluate(val, train::select_split(e.predictions, "test"), eo);
    eval["ensemble"] = {{"method", o->method}, {"runs", o->runs}, {"weights", e.weights}};
    const std::string written = train::write_eval_files(o->out, e.predictions, eval);
    std::printf("ensemble of %zu runs (%s; weights", o->runs.size(), o->method.c_str());
    for (double w : e.weights) std::printf(" %.3f", w);
    std::printf(")\n%s\nwrote %s\n", train::eval_markdown(eval).c_str(), written.c_str());
  });
}

}  // namespace thorax::apps
