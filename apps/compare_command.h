// `thorax compare --runs A B`: the AUROC difference between two runs on the same images, with a paired bootstrap
// confidence interval (train/compare.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_compare_command(CLI::App& app);

}  // namespace thorax::apps
