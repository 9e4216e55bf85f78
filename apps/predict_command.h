// `thorax predict`: class probabilities for image files, as CSV (train/predict_images.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_predict_command(CLI::App& app);

}  // namespace thorax::apps
