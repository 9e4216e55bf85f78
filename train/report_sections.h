// The parts of report.html about one run (train/report.h puts them together). Each returns an HTML fragment;
// a piece the run lacks gives its one-sentence note instead.
#pragma once
#include <string>

#include "train/report.h"

namespace thorax::train::report {

// The split eval.json evaluated ("test", "val", ... or "all"), from its source; "test" when it does not say.
std::string evaluated_split(const nlohmann::json& eval);

// <p class="missing" data-missing="PIECE">sentence</p> when the run lacks PIECE, else "".
std::string missing_note(const RunInputs& run, const std::string& piece);

std::string settings_section(const RunInputs& run);            // config.json
std::string curves_section(const RunInputs& run);              // metrics.jsonl
std::string evaluation_section(const RunInputs& run);          // eval.json: tables, ROC curves, subgroups, rare/common
std::string calibration_section(const RunInputs& run);         // the evaluation's predictions.csv
std::string gallery_section(const RunInputs& run, int limit);  // explain.json and its overlays

}  // namespace thorax::train::report
