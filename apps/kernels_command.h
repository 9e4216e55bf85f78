// `thorax kernels`: the kernel registry as a table (every op, every version, its backend, aliases).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_kernels_command(CLI::App& app);

}  // namespace thorax::apps
