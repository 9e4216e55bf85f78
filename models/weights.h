// Saving a model with its card, and building a model from a weights file: the architecture comes from
// the card (or the caller), in_channels and num_classes from the caller, the card, or the shapes of the
// first convolution and the classifier in the file, in that order.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "models/model.h"
#include "nn/model_card.h"
#include "nn/state_dict.h"

namespace thorax::models {

// Writes the model's state_dict with `card`, whose architecture and arguments are set from the model, plus
// `extra` tensors (a checkpoint's "optim.*" state).
nn::ModelCard save_model(const std::string& path, const Model& model, nn::ModelCard card = {},
                         const nn::NamedTensors& extra = {});

struct LoadModelOptions {
  std::string architecture = {};            // "" = the card's
  std::optional<int64_t> in_channels = {};  // unset = the card's, else the file's first convolution
  std::optional<int64_t> num_classes = {};  // unset = the card's, else the file's classifier
  // Checkpoint tensors under "optim" are always ignored here.
  nn::LoadOptions load = {};
};

struct LoadedModel {
  std::unique_ptr<Model> model;
  std::optional<nn::ModelCard> card;
  nn::LoadReport report;
};

LoadedModel load_model(const std::string& path, const LoadModelOptions& options = {});

}  // namespace thorax::models
