#include "apps/eval_command.h"

#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "apps/device_option.h"
#include "train/evaluation.h"
#include "train/run_eval.h"

namespace thorax::apps {

void add_eval_command(CLI::App& app) {
  struct Options {
    std::string run, data, split = "test", out, threshold = "youden";
    int resamples = 1000, threads = 2, batch = 32, min_subgroup = 30;
    uint64_t seed = 0;
    double rare_below = 0.05;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Evaluate a run's best model: per-class AUROC, AUPRC, F1, precision, recall, specificity, accuracy with "
      "bootstrap 95% CIs; macro/micro averages; Hamming loss or the confusion matrix; subgroups; ROC/PR points.\n"
      "Writes predictions.csv, eval.json, eval_per_class.csv and eval.md to --out and prints the table.\n"
      "Example: thorax eval --run runs/kermany --split test");
  cmd->add_option("--run", o->run, "Run directory of `thorax train`")->required();
  cmd->add_option("--data", o->data, "Dataset spec; default: the run's own data");
  cmd->add_option("--split", o->split, "A split of the run's split.json (test, val, train), or all (every image of --data)");
  cmd->add_option("--out", o->out, "Output folder (default: RUN/eval-SPLIT)");
  cmd->add_option("--threshold", o->threshold, "Multi-label thresholds chosen on validation: youden | f1");
  cmd->add_option("--resamples", o->resamples, "Bootstrap resamples (0: no intervals)")->check(CLI::Range(0, 100000));
  cmd->add_option("--min-subgroup", o->min_subgroup, "Smallest subgroup (sex, view, age band) reported");
  cmd->add_option("--rare-below", o->rare_below, "A class is rare below this training prevalence");
  cmd->add_option("--seed", o->seed, "Bootstrap seed");
  cmd->add_option("--batch", o->batch, "Images per forward pass")->check(CLI::Range(1, 4096));
  cmd->add_option("--threads", o->threads, "Threads")->check(CLI::Range(1, 256));
  add_device_option(cmd);
  cmd->callback([o] {
    omp_set_num_threads(o->threads);
    const train::RunDir run(o->run, false);
    train::RunPredictionRequest request;
    request.data = o->data;
    request.split = o->split;
    request.batch_size = o->batch;
    request.threads = o->threads;
    const train::RunPredictions p = train::predict_run(run, request);

    train::EvalOptions eo;
    eo.threshold_rule = train::parse_threshold_rule(o->threshold);
    eo.bootstrap.resamples = o->resamples;
    eo.bootstrap.seed = o->seed;
    eo.bootstrap.threads = o->threads;
    eo.subgroup_min_images = o->min_subgroup;
    eo.train_prevalence = p.train_prevalence;
    eo.rare_below = o->rare_below;
    nlohmann::json eval = train::evaluate(p.val, p.target, eo);
    eval["source"] = {{"run", o->run}, {"model_file", p.model_file}, {"data", o->data.empty() ? "(the run's own)" : o->data},
                      {"split", o->split}};

    const std::string out = o->out.empty() ? run.path("eval-" + o->split) : o->out;
    const std::string written = train::write_eval_files(out, p.target, eval);
    std::printf("%s\nwrote %s\n%s: %s\n", train::eval_markdown(eval).c_str(), written.c_str(), o->run.c_str(),
                train::eval_headline(eval).c_str());
  });
}

}  // namespace thorax::apps
