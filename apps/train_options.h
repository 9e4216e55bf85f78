// The command-line options shared by `thorax train` and `thorax pretrain`, bound to one TrainConfig, in groups
// so --help reads by topic.
#pragma once
#include <CLI/CLI.hpp>

#include "train/train_config.h"

namespace thorax::apps {

void add_data_options(CLI::App* cmd, train::TrainConfig& c);
// --distributed and --sync-bn (train and pretrain: one run's data-parallel processes).
void add_distributed_options(CLI::App* cmd, train::TrainConfig& c);
void add_optimization_options(CLI::App* cmd, train::TrainConfig& c, bool* epochs_given);
void add_contrastive_options(CLI::App* cmd, train::TrainConfig& c);
// Everything a supervised run adds: label fraction, init/freezing, loss, contrastive (for --semi-supervised),
// optimization, early stopping.
void add_supervised_options(CLI::App* cmd, train::TrainConfig& c, bool* semi, bool* epochs_given);

// Runs the config and prints the one-line summary; `resume` takes the config from the run directory.
void run_training(const train::TrainConfig& c, const std::string& out, bool resume, bool epochs_given, int64_t stop_after);

}  // namespace thorax::apps
