#include "apps/explain_command.h"

#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "data/spec.h"
#include "models/weights.h"
#include "train/explain.h"
#include "train/run_eval.h"
#include "train/run_model.h"

namespace thorax::apps {

void add_explain_command(CLI::App& app) {
  struct Options {
    std::string run, weights, classes = "all";
    train::ExplainOptions e;
    int threads = 2;
    bool no_overlays = false;
    std::string split;
    size_t limit = 16;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "explain",
      "Grad-CAM and Grad-CAM++ heatmaps for every requested class in one batched pass, as PNG overlays; with "
      "--boxes or --masks, the pointing-game hit rate and IoU per class next to chance (the lesion's area "
      "fraction).\nExample: thorax explain --run runs/nih --images a.png b.png --class all --boxes BBox_List_2017.csv");
  auto* run = cmd->add_option("--run", o->run, "A run directory of `thorax train` (its best checkpoint)");
  cmd->add_option("--weights", o->weights, "Or a weights file with a model card")->excludes(run);
  auto* images = cmd->add_option("--images", o->e.images, "Image files");
  cmd->add_option("--split", o->split, "Or the images of this split of the run (e.g. test)")->excludes(images);
  cmd->add_option("--limit", o->limit, "With --split: at most this many images (0: all)");
  cmd->add_option("--class", o->classes, "Class names, comma-separated, or all");
  cmd->add_option("--layer", o->e.layer, "Module path of the layer to explain (default: the model's last stage)");
  cmd->add_option("--out", o->e.out_dir, "Output folder (default: RUN/explain, or ./explain with --weights)");
  cmd->add_option("--boxes", o->e.boxes, "Lesion boxes in NIH BBox_List_2017.csv format (original-image pixels)");
  cmd->add_option("--masks", o->e.masks_dir, "Folder of lesion masks named <image stem>_<Finding>.png");
  cmd->add_option("--threshold", o->e.threshold, "IoU: the map thresholded at this fraction of its maximum")->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--no-overlays", o->no_overlays, "Only the scores, no PNGs");
  cmd->add_option("--batch", o->e.batch, "Images per pass")->check(CLI::Range(1, 1024));
  cmd->add_option("--threads", o->threads, "Compute threads")->check(CLI::Range(1, 256));
  cmd->callback([o] {
    if (o->run.empty() && o->weights.empty()) throw std::runtime_error("give --run DIR or --weights FILE");
    if (!o->split.empty() && o->run.empty()) throw std::runtime_error("--split needs --run (the split is the run's)");
    if (!o->split.empty()) o->e.images = train::run_split_images(train::RunDir(o->run, false), o->split, o->limit);
    if (o->e.images.empty()) throw std::runtime_error("give --images FILE... or --split NAME");
    omp_set_num_threads(o->threads);
    models::LoadedModel loaded =
        o->run.empty() ? models::load_model(o->weights) : train::load_run_model(train::RunDir(o->run, false));
    if (!loaded.card || loaded.card->classes.empty() || loaded.card->preprocessing.is_null())
      throw std::runtime_error("the model card records no classes or preprocessing: cannot explain its outputs");
    o->e.classes = data::split_list(o->classes);
    o->e.overlays = !o->no_overlays;
    if (o->e.out_dir.empty()) o->e.out_dir = o->run.empty() ? "explain" : (std::filesystem::path(o->run) / "explain").string();
    const nlohmann::json r = train::explain_images(*loaded.model, *loaded.card, o->e);
    for (const auto& s : r["skipped"])
      std::fprintf(stderr, "skipped: %s\n", s["reason"].get<std::string>().c_str());
    std::printf("layer %s; %zu images explained, %zu skipped\n%s", r["layer"].get<std::string>().c_str(),
                o->e.images.size() - r["skipped"].size(), r["skipped"].size(), train::explain_table(r).c_str());
    std::printf("wrote %s/explain.json%s\n", o->e.out_dir.c_str(), o->e.overlays ? " and overlays/*.png" : "");
    if (!r["skipped"].empty()) throw std::runtime_error(std::to_string(r["skipped"].size()) + " images could not be read (listed above)");
  });
}

}  // namespace thorax::apps
