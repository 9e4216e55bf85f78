// `thorax report --runs DIR...`: one self-contained HTML page about runs — settings, curves, evaluation, ROC,
// calibration, subgroups, Grad-CAM — and their paired comparisons (train/report.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_report_command(CLI::App& app);

}  // namespace thorax::apps
