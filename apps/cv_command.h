// `thorax cv`: patient-grouped k-fold cross-validation of a training configuration (train/cross_validation.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_cv_command(CLI::App& app);

}  // namespace thorax::apps
