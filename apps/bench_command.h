// `thorax bench`: the model step table (training step and inference images/s, peak RSS) and the loader
// throughput beside the training rate it has to feed.
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_bench_command(CLI::App& app);

}  // namespace thorax::apps
