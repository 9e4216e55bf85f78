// `thorax ensemble`: combine trained runs and evaluate the combination like `thorax eval` (train/ensemble.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_ensemble_command(CLI::App& app);

}  // namespace thorax::apps
