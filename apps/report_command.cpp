#include "apps/report_command.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "train/report.h"

namespace thorax::apps {

void add_report_command(CLI::App& app) {
  struct Options {
    train::ReportOptions report;
    std::string out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "report",
      "Write report.html: one self-contained page (no script, no network) with each run's settings, training "
      "curves, per-class metrics with bootstrap CIs, ROC curves, calibration, subgroups and Grad-CAM overlays, then the "
      "runs side by side and their paired comparisons. Pieces a run lacks (no eval yet, no explain) are stated.\n"
      "Example: thorax report --runs runs/simclr runs/scratch --compare cmp.json --out report.html");
  cmd->add_option("--runs", o->report.runs, "Run directories (each may hold eval-test/ and explain/)")->required();
  cmd->add_option("--compare", o->report.comparisons, "JSON files written by `thorax compare --json`");
  cmd->add_option("--title", o->report.title, "Page title")->capture_default_str();
  cmd->add_option("--out", o->out, "Output HTML file (default: the first run's report.html)");
  cmd->add_option("--eval", o->report.eval_dir, "Each run's evaluation folder, relative to the run")
      ->capture_default_str();
  cmd->add_option("--gallery-limit", o->report.gallery_limit, "Grad-CAM entries shown per run")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->callback([o] {
    const train::ReportInputs inputs = train::load_report_inputs(o->report);
    const std::string out =
        o->out.empty() ? (std::filesystem::path(o->report.runs.front()) / "report.html").string() : o->out;
    for (const train::RunInputs& run : inputs.runs)
      for (size_t i = 0; i < run.missing.size(); ++i)
        if (i == 0 || run.missing[i].second != run.missing[i - 1].second)  // one note for a pretraining run's two
          std::printf("note: %s\n", run.missing[i].second.c_str());
    const size_t bytes = train::write_report(out, inputs);
    std::printf("wrote %s (%.1f KB): %zu run%s, %zu paired comparison%s\n", out.c_str(), bytes / 1024.0,
                inputs.runs.size(), inputs.runs.size() == 1 ? "" : "s", inputs.comparisons.size(),
                inputs.comparisons.size() == 1 ? "" : "s");
  });
}

}  // namespace thorax::apps
