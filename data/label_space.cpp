#include "data/label_space.h"

#include <stdexcept>

#include "data/spec.h"

namespace thorax::data {

const char* label_kind_name(LabelKind kind) {
  return kind == LabelKind::multi_label ? "multi-label" : "multi-class";
}

int LabelSpace::index(const std::string& name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

std::string LabelSpace::describe() const { return std::string(label_kind_name(kind)) + ": " + join(names); }

nlohmann::json LabelSpace::to_json() const { return {{"kind", label_kind_name(kind)}, {"names", names}}; }

LabelSpace LabelSpace::from_json(const nlohmann::json& j) {
  LabelSpace s;
  std::string kind = j.at("kind").get<std::string>();
  if (kind == "multi-label")
    s.kind = LabelKind::multi_label;
  else if (kind == "multi-class")
    s.kind = LabelKind::multi_class;
  else
    throw std::invalid_argument("label space: kind '" + kind + "' is neither multi-label nor multi-class");
  s.names = j.at("names").get<std::vector<std::string>>();
  return s;
}

std::vector<int> map_label_space(const LabelSpace& dataset, const LabelSpace& model) {
  auto both = [&] { return "dataset has [" + dataset.describe() + "], model has [" + model.describe() + "]"; };
  if (dataset.kind != model.kind) throw std::invalid_argument("label spaces differ in kind: " + both());
  std::vector<int> map;
  std::vector<std::string> missing;
  for (const auto& n : dataset.names) {
    map.push_back(model.index(n));
    if (map.back() < 0) missing.push_back(n);
  }
  if (!missing.empty())
    throw std::invalid_argument("the model has no class " + join(missing) + ": " + both());
  return map;
}

const std::vector<std::string>& nih_findings() {
  static const std::vector<std::string> names = {
      "Atelectasis", "Cardiomegaly", "Effusion",  "Infiltration", "Mass",     "Nodule",             "Pneumonia",
      "Pneumothorax", "Consolidation", "Edema", "Emphysema",    "Fibrosis", "Pleural_Thickening", "Hernia"};
  return names;
}

const std::vector<std::string>& chexpert_observations() {
  static const std::vector<std::string> names = {
      "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
      "Edema",      "Consolidation",              "Pneumonia",    "Atelectasis",  "Pneumothorax",
      "Pleural Effusion", "Pleural Other",        "Fracture",     "Support Devices"};
  return names;
}

}  // namespace thorax::data
