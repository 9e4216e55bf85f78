// `thorax explain`: Grad-CAM / Grad-CAM++ overlays and, with known lesions, the pointing game (train/explain.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_explain_command(CLI::App& app);

}  // namespace thorax::apps
