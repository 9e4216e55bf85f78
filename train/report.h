// `thorax report`: one self-contained HTML page (inline CSS and SVG, images as data: URIs, no script, no network)
// about one or more run directories. Per run: its settings (config.json), training curves (metrics.jsonl), and,
// from its evaluation (EVAL/eval.json and EVAL/predictions.csv, EVAL = eval-test by default): a ROC curve per
// class, the per-class table with bootstrap intervals, macro/micro averages, the reliability diagram with its
// expected calibration error, subgroups, rare vs common classes; and a Grad-CAM gallery (explain/explain.json).
// Across runs: macro AUROC of each, and the paired-bootstrap comparisons of `thorax compare --json`.
//
// A missing piece (no evaluation yet, no explain) is one sentence in the page, never an error. Every number shown
// is read from a file or computed here, and is marked so a test can check it (train/report_html.h): the page
// states which file each number comes from (data-json) and where in it (data-src, a JSON pointer).
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "train/predictions.h"

namespace thorax::train {

struct ReportOptions {
  std::vector<std::string> runs;         // run directories, shown in this order
  std::vector<std::string> comparisons;  // JSON files of `thorax compare --json`
  std::string title = "thorax report";
  std::string eval_dir = "eval-test";  // each run's evaluation folder, relative to the run
  int gallery_limit = 24;              // Grad-CAM entries shown per run (the page says how many were left out)
};

// What one run directory holds; absent pieces are empty, and `missing` says in one sentence each what is absent
// and how to make it.
struct RunInputs {
  std::string dir;  // as given
  std::string config_path;
  std::optional<nlohmann::json> config;
  std::string metrics_path;
  std::vector<nlohmann::json> metrics;  // metrics.jsonl, one object per epoch
  std::string eval_path;
  std::optional<nlohmann::json> eval;
  std::string eval_predictions_path;
  std::optional<Predictions> eval_predictions;  // the test rows of the evaluation's predictions.csv
  std::string explain_dir;                      // overlay paths in explain.json are relative to it
  std::optional<nlohmann::json> explain;
  std::vector<std::pair<std::string, std::string>> missing;  // (piece, sentence)
};

struct ReportInputs {
  std::string title;
  std::vector<RunInputs> runs;
  std::vector<std::pair<std::string, nlohmann::json>> comparisons;  // (file, its JSON)
  int gallery_limit = 24;
};

// Reads every file the report shows. Throws, naming the path, when a run directory does not exist or a file that
// is present cannot be read (malformed JSON, an eval.json or comparison of another schema).
ReportInputs load_report_inputs(const ReportOptions& options);

// The page. Reads only the overlay PNGs named by the explain JSON (a missing one is stated in the gallery).
std::string render_report(const ReportInputs& inputs);

// Writes the page atomically; returns its size in bytes.
size_t write_report(const std::string& path, const ReportInputs& inputs);

}  // namespace thorax::train
