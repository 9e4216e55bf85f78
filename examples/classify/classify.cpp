// thorax as a library: a generated phantom set, a small CNN trained for two epochs into a run directory, and
// its best validation AUROC — the same calls the `thorax train` command makes, from another project.
// Usage: classify OUT_DIR
#include <cstdio>
#include <exception>

#include "train/trainer.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: classify OUT_DIR (a run directory to create)\n");
    return 2;
  }
  thorax::train::TrainConfig config;
  config.data = "embedded?n=96&res=64&seed=7";  // phantom radiographs with known findings, generated and cached
  config.model = "small_cnn?width=8";
  config.resolution = 32;
  config.epochs = 2;
  config.batch_size = 16;
  thorax::train::TrainRunOptions options;
  options.progress = false;
  try {
    const thorax::train::TrainSummary s = thorax::train::train_run(config, argv[1], options);
    std::printf("example: %s after %lld epochs; best %s %.4f at epoch %lld\n", s.stop_reason.c_str(),
                static_cast<long long>(s.epochs_total), s.select.c_str(), s.best_score,
                static_cast<long long>(s.best_epoch));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example: %s\n", e.what());
    return 1;
  }
  return 0;
}
