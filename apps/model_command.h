// `thorax model`: list the zoo, summarize a model or weights file, run a forward pass from .npy to
// .npy, and write freshly initialized weights.
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_model_command(CLI::App& app);

}  // namespace thorax::apps
