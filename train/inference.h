// Runs a model over a fixed list of images (eval mode, no graph) and collects predictions.csv rows: probabilities
// (sigmoid per class, or softmax for multi-class), the images' labels mapped onto the model's label space by name
// (a model class the dataset lacks gets NaN labels: unknown, not negative), and the subgroup columns. The loader
// is built once, so a validation pass each epoch reuses its cached, decoded images.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "data/loader.h"
#include "models/model.h"
#include "train/predictions.h"

namespace thorax::train {

struct InferenceResult {
  Predictions predictions;
  std::vector<float> logits;  // rows × classes, row-major
  Tensor logits_tensor() const;
  Tensor targets_tensor() const;  // NaN labels as 0 …
  Tensor masks_tensor() const;    // … with mask 0
};

class Inference {
 public:
  Inference(const data::Dataset& dataset, std::vector<size_t> indices, const data::Pipeline& pipeline,
            const data::LabelSpace& model_labels, int batch_size, int threads, bool cache);

  // `split` gives each dataset sample's split name for the predictions' split column (may be empty); `label`
  // names the progress bar (empty: no progress bar).
  InferenceResult run(models::Model& model, const std::vector<std::string>& split, const std::string& label);
  size_t size() const { return indices_.size(); }

 private:
  const data::Dataset& dataset_;
  std::vector<size_t> indices_;
  data::LabelSpace model_labels_;
  std::vector<int> class_map_;  // dataset class → model class
  std::unique_ptr<data::Loader> loader_;
};

}  // namespace thorax::train
