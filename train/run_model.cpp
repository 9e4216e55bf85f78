#include "train/run_model.h"

#include <stdexcept>

namespace thorax::train {

models::LoadedModel load_run_model(const RunDir& run) {
  const std::string path = run.has("checkpoint-best.safetensors") ? run.checkpoint_best() : run.checkpoint_last();
  if (!run.has("checkpoint-best.safetensors") && !run.has("checkpoint-last.safetensors"))
    throw std::runtime_error(run.root() + " has no checkpoint yet (train at least one epoch first)");
  models::LoadModelOptions options;
  options.load.ignore_prefixes = {"projection"};  // SimCLR's projection head in semi-supervised checkpoints
  models::LoadedModel loaded = models::load_model(path, options);
  if (!loaded.card) throw std::runtime_error(path + " has no model card");
  return loaded;
}

}  // namespace thorax::train
