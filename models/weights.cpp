#include "models/weights.h"

#include <stdexcept>

#include "models/model_spec.h"
#include "models/registry.h"
#include "nn/weights_file.h"

namespace thorax::models {

nn::ModelCard save_model(const std::string& path, const Model& model, nn::ModelCard card,
                         const nn::NamedTensors& extra) {
  card.architecture = model.architecture();
  const ModelArgs& a = model.args();
  card.arguments = {{"in_channels", a.in_channels}, {"num_classes", a.num_classes}};
  if (a.width) card.arguments["width"] = a.width;
  if (!a.options.empty()) card.arguments["options"] = a.options;
  return nn::save_weights(path, model, std::move(card), extra);
}

namespace {

// The value from the caller, else the card's argument, else dim `dim` of `tensor` in the file.
int64_t resolve(std::optional<int64_t> given, const std::optional<nn::ModelCard>& card, const char* key,
                const nn::NamedTensors& tensors, const std::string& tensor, int dim, int64_t fallback) {
  if (given) return *given;
  if (card && card->arguments.contains(key) && card->arguments[key].is_number_integer())
    return card->arguments[key].get<int64_t>();
  for (const auto& [name, t] : tensors)
    if (name == tensor && t.dim() > dim) return t.size(dim);
  return fallback;  // the load below then reports the missing key by name
}

}  // namespace

LoadedModel load_model(const std::string& path, const LoadModelOptions& options) {
  nn::WeightsFile file = nn::read_weights(path);
  const std::string card_arch = file.card ? file.card->architecture : "";
  std::string arch = options.architecture.empty() ? card_arch : options.architecture;
  if (arch.empty())
    throw std::invalid_argument(path + " has no model card naming its architecture: give the architecture (e.g. --model "
                                "resnet18)");
  if (!options.architecture.empty() && !card_arch.empty() && card_arch != parse_model_spec(options.architecture).name)
    throw std::invalid_argument(path + " holds a " + card_arch + " (its model card says so), not a " + options.architecture);
  const ModelInfo info = model_info(arch);
  ModelArgs args;
  // A seed architecture's width and options, as save_model wrote them (a spec given as the architecture adds its own).
  if (file.card) {
    const nlohmann::json& a = file.card->arguments;
    auto bad = [&](const std::string& what) {
      return std::invalid_argument(path + ": the model card's " + what + " (was the card edited by hand?)");
    };
    if (a.contains("width")) {
      if (!a["width"].is_number_integer()) throw bad("width is " + a["width"].dump() + ", not an integer");
      args.width = a["width"].get<int64_t>();
    }
    if (a.contains("options")) {
      if (!a["options"].is_object()) throw bad("options are " + a["options"].dump() + ", not an object");
      for (const auto& [key, value] : a["options"].items()) {
        if (!value.is_string()) throw bad("option '" + key + "' is " + value.dump() + ", not a string");
        args.options[key] = value.get<std::string>();
      }
    }
  }
  args.in_channels = resolve(options.in_channels, file.card, "in_channels", file.tensors, info.input_conv + ".weight", 1,
                             args.in_channels);
  args.num_classes = resolve(options.num_classes, file.card, "num_classes", file.tensors, info.classifier + ".weight", 0,
                             args.num_classes);
  LoadedModel out;
  out.model = create_model_for_loading(arch, args);
  nn::LoadOptions load = options.load;
  load.ignore_prefixes.push_back("optim");
  out.report = nn::load_state_dict(*out.model, file.tensors, load, path);
  out.card = std::move(file.card);
  return out;
}

}  // namespace thorax::models
