#include "apps/predict_command.h"

#include <omp.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "apps/device_option.h"
#include "models/weights.h"
#include "tensor/npy.h"
#include "train/predict_images.h"
#include "train/run_model.h"

namespace thorax::apps {

void add_predict_command(CLI::App& app) {
  struct Options {
    std::string run, weights, out;
    std::vector<std::string> images;
    int threads = 2, batch = 16;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "predict",
      "Class probabilities for chest X-ray images (PNG/JPEG/BMP) as CSV, with the preprocessing recorded in the "
      "model's weights.\nExample: thorax predict --run runs/kermany image1.png image2.jpeg");
  auto* run = cmd->add_option("--run", o->run, "A run directory of `thorax train` (its best checkpoint is used)");
  auto* weights = cmd->add_option("--weights", o->weights, "Or a weights file with a model card");
  run->excludes(weights);
  cmd->add_option("images", o->images, "Image files")->required();
  cmd->add_option("--out", o->out, "Write the CSV here (atomically) instead of to standard output");
  cmd->add_option("--batch", o->batch, "Images per forward pass")->check(CLI::Range(1, 1024));
  cmd->add_option("--threads", o->threads, "Compute threads")->check(CLI::Range(1, 256));
  add_device_option(cmd);
  cmd->callback([o] {
    if (o->run.empty() && o->weights.empty()) throw std::runtime_error("give --run DIR or --weights FILE");
    omp_set_num_threads(o->threads);
    models::LoadedModel loaded =
        o->run.empty() ? models::load_model(o->weights) : train::load_run_model(train::RunDir(o->run, false));
    if (!loaded.card || loaded.card->classes.empty() || loaded.card->preprocessing.is_null())
      throw std::runtime_error((o->run.empty() ? o->weights : o->run) +
                               ": the model card records no classes or preprocessing, so predictions would be "
                               "guesses (train with thorax, or add a card with `thorax model init`)");
    const nn::ModelCard& card = *loaded.card;
    const auto results = train::predict_images(*loaded.model, card, o->images, o->batch);
    std::string csv = "image";
    for (const auto& c : card.classes) csv += ",p_" + c;
    csv += "\n";
    int failed = 0, warned = 0;
    for (const auto& r : results) {
      for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s: %s\n", r.image.c_str(), w.c_str());
      warned += !r.warnings.empty();
      if (!r.error.empty()) {
        std::fprintf(stderr, "skipped: %s\n", r.error.c_str());
        ++failed;
        continue;
      }
      csv += r.image;
      for (float p : r.prob) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ",%.6f", p);
        csv += buf;
      }
      csv += "\n";
    }
    if (o->out.empty())
      std::fputs(csv.c_str(), stdout);
    else
      write_file_atomic(o->out, csv);
    std::fprintf(stderr, "%zu images: %zu predicted, %d skipped (unreadable), %d with warnings\n", results.size(),
                 results.size() - failed, failed, warned);
    if (failed > 0) throw std::runtime_error(std::to_string(failed) + " of the images could not be read (listed above)");
  });
}

}  // namespace thorax::apps
