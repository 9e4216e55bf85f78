// `thorax data`: check, stats, preview and synth — the data layer from the command line.
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_data_command(CLI::App& app);

}  // namespace thorax::apps
