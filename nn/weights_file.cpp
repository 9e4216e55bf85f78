#include "nn/weights_file.h"

#include <stdexcept>

#include "nn/sha256.h"
#include "tensor/npy.h"

namespace thorax::nn {

ModelCard save_weights(const std::string& path, const Module& module, ModelCard card, const NamedTensors& extra) {
  NamedTensors tensors = module.state_dict();
  tensors.insert(tensors.end(), extra.begin(), extra.end());
  SafetensorsData data = safetensors_pack(tensors);
  card.tensor_sha256 = sha256_hex(data.bytes);
  card.thorax_version = thorax_version();
  if (card.created_at.empty()) card.created_at = utc_timestamp();
  write_file_atomic(path, safetensors_serialize(data, {{kCardKey, card.to_json()}}));
  return card;
}

// A card nests a few levels (its pipeline, its architecture's arguments). Deeper text is refused before
// ModelCard::from_json keeps it: printing a card (`thorax model summary`, error messages) recurses once per level,
// so a stranger's 100 MB header of brackets would otherwise exhaust the stack.
static void check_card_depth(const std::string& text, const std::string& path) {
  constexpr int kMaxCardDepth = 64;
  auto bounded = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxCardDepth)
      throw std::runtime_error(path + ": the model card nests deeper than " + std::to_string(kMaxCardDepth) + " levels");
    return true;
  };
  (void)nlohmann::json::parse(text, bounded, /*allow_exceptions=*/false);  // syntax errors: from_json reports them
}

static std::optional<ModelCard> card_of(const Metadata& metadata, const std::string& path) {
  auto it = metadata.find(kCardKey);
  if (it == metadata.end()) return std::nullopt;
  check_card_depth(it->second, path);
  try {
    return ModelCard::from_json(it->second, path);
  } catch (const nlohmann::json::exception& e) {  // a number beyond double's range, a value of the wrong type
    throw std::runtime_error(path + ": the model card (__metadata__[\"thorax.card\"]) is not valid (" + e.what() + ")");
  }
}

WeightsFile read_weights(const std::string& path) {
  Safetensors s = safetensors_load(path);
  WeightsFile w{std::move(s.tensors), s.metadata, card_of(s.metadata, path)};
  if (w.card && !w.card->tensor_sha256.empty() && w.card->tensor_sha256 != s.data_sha256)
    throw std::runtime_error(path + ": the tensor data's SHA-256 is " + s.data_sha256 + " but the model card records " +
                             w.card->tensor_sha256 + " (the file was corrupted or edited after it was written)");
  return w;
}

std::optional<ModelCard> read_card(const std::string& path) { return card_of(safetensors_read_header(path).metadata, path); }

}  // namespace thorax::nn
