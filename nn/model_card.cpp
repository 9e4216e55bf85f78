#include "nn/model_card.h"

#include <ctime>
#include <stdexcept>

namespace thorax::nn {

namespace {

const char* const kFormat = "thorax.card/1";
const char* const kKnown[] = {"format",     "architecture",   "arguments",     "label_space",
                              "preprocessing", "training_data", "created_at", "thorax_version", "tensor_sha256"};

std::string get_string(const nlohmann::json& j, const char* key, const std::string& what) {
  if (!j.contains(key) || j[key].is_null()) return "";
  if (!j[key].is_string()) throw std::runtime_error(what + ": model card field '" + key + "' must be a string");
  return j[key].get<std::string>();
}

}  // namespace

std::string ModelCard::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["architecture"] = architecture;
  j["arguments"] = arguments;
  j["label_space"] = {{"kind", label_kind}, {"classes", classes}};
  j["preprocessing"] = preprocessing;
  j["training_data"] = training_data;
  j["created_at"] = created_at;
  j["thorax_version"] = thorax_version;
  j["tensor_sha256"] = tensor_sha256;
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  return j.dump();
}

ModelCard ModelCard::from_json(const std::string& text, const std::string& what) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(what + ": the model card (__metadata__[\"thorax.card\"]) is not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw std::runtime_error(what + ": the model card must be a JSON object");
  const std::string format = get_string(j, "format", what);
  if (format != kFormat)
    throw std::runtime_error(what + ": model card format '" + format + "' is not one this thorax reads (" + kFormat + ")");
  ModelCard c;
  c.architecture = get_string(j, "architecture", what);
  if (j.contains("arguments") && !j["arguments"].is_null()) {
    if (!j["arguments"].is_object()) throw std::runtime_error(what + ": model card 'arguments' must be an object");
    c.arguments = j["arguments"];
  }
  if (j.contains("label_space") && !j["label_space"].is_null()) {
    const nlohmann::json& ls = j["label_space"];
    if (!ls.is_object()) throw std::runtime_error(what + ": model card 'label_space' must be an object");
    c.label_kind = get_string(ls, "kind", what);
    if (ls.contains("classes")) {
      if (!ls["classes"].is_array()) throw std::runtime_error(what + ": model card label_space.classes must be a list");
      for (const auto& name : ls["classes"]) {
        if (!name.is_string()) throw std::runtime_error(what + ": model card class names must be strings");
        c.classes.push_back(name.get<std::string>());
      }
    }
  }
  c.preprocessing = j.value("preprocessing", nlohmann::json());
  c.training_data = j.value("training_data", nlohmann::json());
  c.created_at = get_string(j, "created_at", what);
  c.thorax_version = get_string(j, "thorax_version", what);
  c.tensor_sha256 = get_string(j, "tensor_sha256", what);
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) c.extra[it.key()] = it.value();
  }
  return c;
}

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string thorax_version() { return THORAX_VERSION; }

}  // namespace thorax::nn
