// The data side of a run, shared by train, eval and predict: the dataset opened from its spec, the split of the
// Contracts (made once and saved as split.json, then reused by every later command on the run), the training
// subset (label fraction), and the preprocessing pipeline the config describes.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/pipeline.h"
#include "train/run_dir.h"
#include "train/train_config.h"

namespace thorax::train {

struct Experiment {
  data::Dataset dataset;
  std::vector<std::string> split;  // per sample: "train", "val", "test", or "" (not used: over the image cap)
  std::vector<size_t> train, val, test;  // sample indices; train is the labeled subset actually trained on
  size_t train_pool = 0;                 // training-split images before the label fraction
};

using ProgressFn = std::function<void(const std::string&, int64_t, int64_t)>;

data::Dataset open_for_run(const std::string& spec, int threads, const ProgressFn& progress);

// Opens the dataset and makes the split — or takes it from the run's split.json when it exists (resume), else from
// config.split_file (a fine-tuning run reusing its pretraining run's split), matching images by id: an image of
// the split missing from the dataset is an error — and writes the run's split.json.
Experiment prepare_experiment(const TrainConfig& config, const RunDir& run, const ProgressFn& progress = {});

// The split saved in split.json applied to a dataset: per sample its split name, or "" for images the file does not
// list. `missing` counts listed images the dataset does not have.
std::vector<std::string> apply_saved_split(const data::Dataset& dataset, const nlohmann::json& split_json,
                                           size_t* missing = nullptr);

// resize → [clahe] → channels → normalize, as the config says.
data::Pipeline make_pipeline(const TrainConfig& config);

}  // namespace thorax::train
