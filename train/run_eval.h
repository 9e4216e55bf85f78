// What `thorax eval` does before the metrics: rebuild the run's best model, open the data (the run's own, or
// another dataset mapped onto the model's label space by class name), pick the images of the asked split from
// split.json (or every image with split "all"), and predict the validation images too, since thresholds are
// chosen on them and applied to the test images.
#pragma once
#include <string>

#include "train/predictions.h"
#include "train/run_dir.h"

namespace thorax::train {

struct RunPredictionRequest {
  std::string data;           // dataset spec; "" = the run's own (config.json)
  std::string split = "test"; // a split of split.json, or "all" (every image of `data`)
  int batch_size = 32;
  int threads = 2;
};

struct RunPredictions {
  Predictions val;     // the run's validation images (empty when `data` is another dataset without them)
  Predictions target;  // the images asked for
  std::string model_file;
  std::vector<double> train_prevalence;  // per model class on the run's training images; empty for other data
};

RunPredictions predict_run(const RunDir& run, const RunPredictionRequest& request);

// The image files of one split of the run (its own data), the first `limit` of them (0: all); for `explain`.
std::vector<std::string> run_split_images(const RunDir& run, const std::string& split, size_t limit);

}  // namespace thorax::train
