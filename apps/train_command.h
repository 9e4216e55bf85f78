// `thorax train`: supervised training into a run directory (train/trainer.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_train_command(CLI::App& app);

}  // namespace thorax::apps
