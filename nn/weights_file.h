// Weights files: a module's state_dict as safetensors with its model card (nn/model_card.h).
#pragma once
#include <optional>
#include <string>

#include "nn/model_card.h"
#include "nn/safetensors.h"

namespace thorax::nn {

// Writes module.state_dict() (plus `extra` tensors, e.g. a checkpoint's "optim.*" state) atomically.
// Fills the card's tensor_sha256 and thorax_version, and created_at when empty; returns the card written.
ModelCard save_weights(const std::string& path, const Module& module, ModelCard card, const NamedTensors& extra = {});

struct WeightsFile {
  NamedTensors tensors;
  Metadata metadata;
  std::optional<ModelCard> card;  // absent in files exported without one
};

// Reads a weights file; when it has a card, the data's SHA-256 must match the card's (a corrupted or
// edited file is refused, naming both hashes).
WeightsFile read_weights(const std::string& path);
// The card alone, from the header (no tensor data read, no hash check).
std::optional<ModelCard> read_card(const std::string& path);

}  // namespace thorax::nn
