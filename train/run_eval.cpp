#include "train/run_eval.h"

#include <stdexcept>

#include "data/pipeline.h"
#include "data/split.h"
#include "data/stats.h"
#include "train/experiment.h"
#include "train/inference.h"
#include "train/run_model.h"
#include "train/train_config.h"

namespace thorax::train {

RunPredictions predict_run(const RunDir& run, const RunPredictionRequest& request) {
  const nlohmann::json config = read_json_file(run.config());
  const TrainConfig tc = TrainConfig::from_json(config.at("config"));
  const std::string spec = request.data.empty() ? tc.data : request.data;
  models::LoadedModel loaded = load_run_model(run);
  const nn::ModelCard& card = *loaded.card;
  data::LabelSpace labels;
  labels.names = card.classes;
  labels.kind = card.label_kind == "multi-class" ? data::LabelKind::multi_class : data::LabelKind::multi_label;
  const data::Pipeline pipeline = data::Pipeline::from_json(card.preprocessing);

  const data::Dataset d = open_for_run(spec, request.threads, {});
  size_t missing = 0;
  const std::vector<std::string> split = apply_saved_split(d, read_json_file(run.split()), &missing);
  std::vector<size_t> wanted;
  if (request.split == "all") {
    for (size_t i = 0; i < d.size(); ++i) wanted.push_back(i);
  } else {
    wanted = data::indices_of(split, request.split);
    if (wanted.empty())
      throw std::runtime_error(spec + " has no images of split '" + request.split + "' of " + run.split() +
                               (missing ? " (the run was made on other data: use --split all)" : ""));
  }
  RunPredictions out;
  // Class prevalence on the training images (rare vs common classes), when `data` is the run's own.
  const std::vector<size_t> train_rows = data::indices_of(split, "train");
  if (!train_rows.empty() && missing == 0 && d.labels.names == labels.names)
    for (const auto& cs : data::compute_stats(d, train_rows).classes) out.train_prevalence.push_back(cs.prevalence);
  out.model_file = run.has("checkpoint-best.safetensors") ? run.checkpoint_best() : run.checkpoint_last();
  const std::vector<size_t> val = data::indices_of(split, "val");
  if (!val.empty()) {
    Inference v(d, val, pipeline, labels, request.batch_size, request.threads, false);
    out.val = v.run(*loaded.model, split, "predict val").predictions;
  }
  Inference t(d, wanted, pipeline, labels, request.batch_size, request.threads, false);
  std::vector<std::string> names = split;
  if (request.split == "all")
    for (auto& s : names) s = s.empty() ? "all" : s;
  out.target = t.run(*loaded.model, names, "predict " + request.split).predictions;
  return out;
}

std::vector<std::string> run_split_images(const RunDir& run, const std::string& split_name, size_t limit) {
  const TrainConfig tc = TrainConfig::from_json(read_json_file(run.config()).at("config"));
  const data::Dataset d = open_for_run(tc.data, tc.threads, {});
  const std::vector<std::string> split = apply_saved_split(d, read_json_file(run.split()));
  std::vector<std::string> paths;
  for (size_t i : data::indices_of(split, split_name)) {
    if (d.samples[i].image.empty())
      throw std::runtime_error(tc.data + " holds its images in memory, not in files: give --images instead");
    paths.push_back(d.samples[i].image);
    if (limit > 0 && paths.size() >= limit) break;
  }
  if (paths.empty()) throw std::runtime_error(run.root() + " has no images in split '" + split_name + "'");
  return paths;
}

}  // namespace thorax::train
