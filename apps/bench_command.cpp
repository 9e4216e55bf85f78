#include "apps/bench_command.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "apps/device_option.h"
#include "bench/child_process.h"
#include "bench/loader_rate.h"
#include "bench/model_step.h"
#include "data/dataset.h"

namespace thorax::apps {

namespace {

using bench::Phase;

void progress_line(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

struct ModelBenchOptions {
  std::vector<std::string> names;
  bench::ModelStepOptions step;
  bool json = false, infer_only = false, train_only = false;
};

struct ModelRow {
  bench::ModelAtRes model;
  std::vector<bench::PhaseResult> phases;
};

// The same command for one model and one phase, in a process of its own; its JSON line read back.
bench::PhaseResult measure_in_child(const ModelBenchOptions& o, const bench::ModelAtRes& m, Phase phase) {
  const bench::ModelStepOptions& s = o.step;
  std::vector<std::string> argv = {bench::self_executable(), "bench", "model", m.model + "@" + std::to_string(m.res),
                                   "--batch", std::to_string(s.batch), "--threads", std::to_string(s.threads),
                                   "--warmup", std::to_string(s.warmup), "--steps", std::to_string(s.steps),
                                   "--seed", std::to_string(s.seed), "--json",
                                   phase == Phase::train ? "--train-only" : "--infer-only"};
  if (s.profile) argv.push_back("--profile");
  const std::string out = bench::run_capturing_stdout(argv);
  std::istringstream lines(out);
  std::string line, last;
  while (std::getline(lines, line))
    if (!line.empty()) last = line;
  try {
    return bench::phase_from_json(nlohmann::json::parse(last).at(bench::phase_name(phase)), phase);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("the measuring process for " + m.model + " (" + bench::phase_name(phase) +
                             ") printed no result line (" + e.what() + "): '" + last + "'");
  }
}

nlohmann::json row_json(const ModelBenchOptions& o, const ModelRow& row) {
  nlohmann::json j = {{"model", row.model.model},   {"res", row.model.res},       {"batch", o.step.batch},
                      {"threads", o.step.threads},  {"warmup", o.step.warmup},    {"steps", o.step.steps},
                      {"num_classes", row.phases.front().num_classes}};
  for (const bench::PhaseResult& p : row.phases) j[bench::phase_name(p.phase)] = bench::to_json(p);
  return j;
}

double mib(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

void print_table(const ModelBenchOptions& o, const std::vector<ModelRow>& rows, bool isolated) {
  std::printf("thorax bench model: batch %lld, %d threads, median of %d timed steps after %d warm-up; train = forward + "
              "cross-entropy + backward + Adam; infer = eval-mode forward without a graph\n",
              static_cast<long long>(o.step.batch), o.step.threads, o.step.steps, o.step.warmup);
  std::printf("%-16s %5s %7s %6s %12s %10s %14s\n", "model", "res", "classes", "phase", "s/step", "images/s",
              "peak RSS MiB");
  for (const ModelRow& row : rows)
    for (const bench::PhaseResult& p : row.phases)
      std::printf("%-16s %5lld %7lld %6s %12.4f %10.2f %14.0f\n", row.model.model.c_str(),
                  static_cast<long long>(row.model.res), static_cast<long long>(p.num_classes),
                  bench::phase_name(p.phase), p.median_seconds, p.images_per_second, mib(p.peak_rss_bytes));
  std::printf("peak RSS: %s\n", isolated ? "each row measured in a process of its own"
                                         : "of this process (one model, one phase)");
}

void print_profile(const bench::ModelAtRes& m, const bench::PhaseResult& p) {
  const double steps = static_cast<double>(p.seconds.size());
  const bench::StepBreakdown& b = p.breakdown;
  const double ms = 1000.0 / steps;  // summed seconds -> milliseconds per step
  const double step_ms = (b.forward + b.loss + b.backward + b.optimizer) * ms;
  std::printf("\n%s@%lld train step, mean of %d timed steps: forward %.1f ms, loss %.1f ms, backward %.1f ms, "
              "Adam %.1f ms (total %.1f ms)\n",
              m.model.c_str(), static_cast<long long>(m.res), static_cast<int>(steps), b.forward * ms, b.loss * ms,
              b.backward * ms, b.optimizer * ms, step_ms);
  std::printf("%-28s %9s %10s %9s %10s %10s %7s\n", "op", "fwd calls", "fwd ms", "bwd calls", "bwd ms", "total ms",
              "share");
  double op_forward = 0;
  for (const autograd::OpTime& t : b.ops) {
    const double total = (t.forward_seconds + t.backward_seconds) * ms;
    op_forward += t.forward_seconds;
    std::printf("%-28s %9.0f %10.2f %9.0f %10.2f %10.2f %6.1f%%\n", t.name.c_str(), t.forward_calls / steps,
                t.forward_seconds * ms, t.backward_calls / steps, t.backward_seconds * ms, total,
                100.0 * total / step_ms);
  }
  std::printf("%-28s %9s %10s %9s %10s %10.2f %6.1f%%\n", "(Adam step, no autograd op)", "", "", "", "",
              b.optimizer * ms, 100.0 * b.optimizer / (step_ms / ms));
  std::printf("forward and loss time after the last recorded op (in no row): %.2f ms\n",
              (b.forward + b.loss - op_forward) * ms);
}

void add_model(CLI::App* bench_cmd) {
  auto o = std::make_shared<ModelBenchOptions>();
  auto* cmd = bench_cmd->add_subcommand(
      "model", "Training step (forward + loss + backward + Adam) and inference images/s and peak RSS of zoo models");
  cmd->add_option("names", o->names, "Model names (thorax model list); NAME@RES sets that model's resolution")
      ->required();
  cmd->add_option("--batch", o->step.batch, "Images per step")->check(CLI::PositiveNumber);
  cmd->add_option("--res", o->step.res, "Input height and width in pixels")->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o->step.threads, "OpenMP threads")->check(CLI::Range(1, 1024));
  add_device_option(cmd);
  cmd->add_option("--steps", o->step.steps, "Timed steps (the median is reported)")->check(CLI::Range(1, 100000));
  cmd->add_option("--warmup", o->step.warmup, "Untimed steps first")->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", o->step.seed, "Seed of the weights, images and labels");
  cmd->add_flag("--json", o->json, "One JSON line per model instead of the table");
  auto* infer = cmd->add_flag("--infer-only", o->infer_only, "Time inference only");
  cmd->add_flag("--train-only", o->train_only, "Time the training step only")->excludes(infer);
  cmd->add_flag("--profile", o->step.profile,
                "Also time every autograd op of the training step (forward and backward, per op name)");
  cmd->callback([o] {
    std::vector<bench::ModelAtRes> models;
    for (const std::string& n : o->names) models.push_back(bench::parse_model_at_res(n, o->step.res));
    std::vector<Phase> phases;
    if (!o->infer_only) phases.push_back(Phase::train);
    if (!o->train_only) phases.push_back(Phase::infer);
    // Peak RSS is per process: several measurements each get a process of their own.
    const bool isolated = models.size() * phases.size() > 1;
    std::vector<ModelRow> rows;
    for (const bench::ModelAtRes& m : models) {
      ModelRow row{m, {}};
      for (Phase phase : phases) {
        if (isolated) {
          row.phases.push_back(measure_in_child(*o, m, phase));
        } else {
          bench::ModelStepOptions step = o->step;
          step.model = m.model;
          step.res = m.res;
          row.phases.push_back(bench::run_phase(step, phase, progress_line));
        }
      }
      if (o->json) {
        std::printf("%s\n", row_json(*o, row).dump().c_str());
        std::fflush(stdout);
      }
      rows.push_back(std::move(row));
    }
    if (o->json) return;
    print_table(*o, rows, isolated);
    for (const ModelRow& row : rows)
      for (const bench::PhaseResult& p : row.phases)
        if (p.profiled) print_profile(row.model, p);
  });
}

void add_loader(CLI::App* bench_cmd) {
  struct Options {
    std::string spec, model = "resnet18";
    bench::LoaderRateOptions loader;
    bench::ModelStepOptions step;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = bench_cmd->add_subcommand(
      "loader", "Loader images/s (decode + resize + CLAHE + augmentation) beside a model's training-step images/s");
  cmd->add_option("--data", o->spec, "Dataset spec of real images, e.g. folder:../shared/data/kermany/train")
      ->required();
  cmd->add_option("--size", o->loader.size, "Model input size in pixels")->check(CLI::Range(8, 4096));
  cmd->add_option("--threads", o->loader.threads, "Threads for the loader, and then for the training step")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--images", o->loader.images, "Images to load (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--augment", o->loader.augment, "Augmentation: none, train, simclr");
  cmd->add_option("--model", o->model, "The model whose training step the loader has to feed (NAME or NAME@RES)");
  cmd->add_option("--batch", o->step.batch, "The training step's batch")->check(CLI::PositiveNumber);
  cmd->add_option("--steps", o->step.steps, "Timed training steps")->check(CLI::Range(1, 100000));
  cmd->callback([o] {
    data::OpenOptions open;
    open.threads = o->loader.threads;
    const data::Dataset d = data::open_dataset(o->spec, open);
    o->loader.pipeline = bench::loader_bench_pipeline(o->loader.size);
    std::fprintf(stderr, "timing the loader on %s...\n", o->spec.c_str());
    const bench::LoaderRate loader = bench::measure_loader(d, o->loader);

    bench::ModelStepOptions step = o->step;
    const bench::ModelAtRes m = bench::parse_model_at_res(o->model, o->loader.size);
    step.model = m.model;
    step.res = m.res;
    step.threads = o->loader.threads;
    const bench::PhaseResult train = bench::run_phase(step, Phase::train, progress_line);

    const double ratio = loader.images_per_second / train.images_per_second;
    std::printf("loader: %lld images%s of %s in %.2f s on %d threads: %.1f images/s\n",
                static_cast<long long>(loader.images), loader.two_views ? " (two views each)" : "", o->spec.c_str(),
                loader.seconds, o->loader.threads, loader.images_per_second);
    std::printf("  pipeline %s, then augmentation '%s' to %d px\n", o->loader.pipeline.to_json().dump().c_str(),
                o->loader.augment.c_str(), o->loader.size);
    std::printf("%s training step: batch %lld, %lld px, %d threads: %.1f images/s (median of %d steps)\n",
                step.model.c_str(), static_cast<long long>(step.batch), static_cast<long long>(step.res),
                step.threads, train.images_per_second, step.steps);
    std::printf("loader / training step: %.1fx (issue 5 asks at least 4x: %s)\n", ratio,
                ratio >= 4.0 ? "met" : "MISSED");
  });
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* bench_cmd = app.add_subcommand("bench", "Benchmarks: model steps and the loader");
  bench_cmd->require_subcommand(1);
  add_model(bench_cmd);
  add_loader(bench_cmd);
}

}  // namespace thorax::apps
