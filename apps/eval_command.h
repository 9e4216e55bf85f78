// `thorax eval`: a run's best model on held-out images — per-class metrics with bootstrap confidence intervals,
// thresholds chosen on validation, subgroups, curves (train/run_eval.h, train/evaluation.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_eval_command(CLI::App& app);

}  // namespace thorax::apps
