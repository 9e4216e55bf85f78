// Checkpoints of the Contracts: one safetensors file with the model's tensors, the optimizer's state as "optim.*"
// tensors, and the loop's own state (epoch, step, best score, schedule, RNG) in the model card under
// "checkpoint". Written to a temporary name and renamed, so a checkpoint file is whole or absent; the model
// card also makes every checkpoint a usable weights file (`thorax predict`, `--init`).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "models/model.h"
#include "nn/model_card.h"
#include "nn/optimizer.h"

namespace thorax::train {

struct TrainState {
  int64_t epoch = 0;  // epochs completed
  int64_t step = 0;   // optimizer steps taken
  double best_score = 0.0;
  int64_t best_epoch = -1;  // -1: no validation yet
  int64_t epochs_since_best = 0;
  nlohmann::json schedule = nlohmann::json::object();
  uint64_t rng_seed = 0, rng_offset = 0;  // the default generator (dropout masks) at the end of the epoch

  nlohmann::json to_json() const;
  static TrainState from_json(const nlohmann::json& j);
};

// Modules trained beside the model (SimCLR's projection head), saved under "<name>." so the model's own tensors
// keep their torchvision names.
using Companions = std::vector<std::pair<std::string, nn::Module*>>;

void save_checkpoint(const std::string& path, const models::Model& model, const nn::Optimizer& optimizer,
                     const TrainState& state, nn::ModelCard card, const Companions& companions = {});
// Loads a checkpoint written by save_checkpoint into a model of the same architecture, its companions, and an
// optimizer built over the same parameter groups; every key must match (else an error naming the keys).
TrainState load_checkpoint(const std::string& path, models::Model& model, nn::Optimizer& optimizer,
                           const Companions& companions = {});

}  // namespace thorax::train
