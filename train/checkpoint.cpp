#include "train/checkpoint.h"

#include <stdexcept>

#include "models/weights.h"
#include "nn/state_dict.h"
#include "nn/weights_file.h"

namespace thorax::train {

namespace {
constexpr const char* kOptimPrefix = "optim.";
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainState, epoch, step, best_score, best_epoch, epochs_since_best,
                                                schedule, rng_seed, rng_offset)

nlohmann::json TrainState::to_json() const {
  nlohmann::json j = *this;
  return j;
}

TrainState TrainState::from_json(const nlohmann::json& j) { return j.get<TrainState>(); }

void save_checkpoint(const std::string& path, const models::Model& model, const nn::Optimizer& optimizer,
                     const TrainState& state, nn::ModelCard card, const Companions& companions) {
  nn::NamedTensors extra;
  for (const auto& [prefix, module] : companions)
    for (auto& [name, t] : module->state_dict()) extra.emplace_back(prefix + "." + name, t);
  for (auto& [name, t] : optimizer.state()) extra.emplace_back(kOptimPrefix + name, t);
  card.extra["checkpoint"] = state.to_json();
  models::save_model(path, model, std::move(card), extra);
}

TrainState load_checkpoint(const std::string& path, models::Model& model, nn::Optimizer& optimizer,
                           const Companions& companions) {
  nn::WeightsFile file = nn::read_weights(path);
  if (!file.card || !file.card->extra.contains("checkpoint"))
    throw std::runtime_error(path + " is a weights file, not a checkpoint (it has no training state to resume)");
  if (file.card->architecture != model.architecture())
    throw std::runtime_error(path + " holds a " + file.card->architecture + " checkpoint, not a " + model.architecture());
  nn::LoadOptions load;
  load.ignore_prefixes = {"optim"};
  for (const auto& [prefix, module] : companions) {
    load.ignore_prefixes.push_back(prefix);
    nn::NamedTensors own;
    for (auto& [name, t] : file.tensors)
      if (nn::name_under_prefix(name, prefix)) own.emplace_back(name.substr(prefix.size() + 1), t);
    nn::load_state_dict(*module, own, {}, path + " (" + prefix + ")");
  }
  nn::load_state_dict(model, file.tensors, load, path);
  nn::NamedTensors optim;
  for (auto& [name, t] : file.tensors)
    if (name.rfind(kOptimPrefix, 0) == 0) optim.emplace_back(name.substr(std::string(kOptimPrefix).size()), t);
  optimizer.load_state(optim);
  try {
    return TrainState::from_json(file.card->extra["checkpoint"]);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": damaged training state in its model card (" + e.what() + ")");
  }
}

}  // namespace thorax::train
