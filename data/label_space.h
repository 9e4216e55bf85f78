// The label space of the Contracts: class names in a fixed order plus the kind. Stored in every weights file;
// a dataset is mapped onto a model's space by name, and a mismatch is an error listing both sides.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace thorax::data {

enum class LabelKind { multi_label, multi_class };

struct LabelSpace {
  std::vector<std::string> names;
  LabelKind kind = LabelKind::multi_label;

  int size() const { return static_cast<int>(names.size()); }
  int index(const std::string& name) const;  // -1 when absent
  std::string describe() const;              // "multi-label: Atelectasis, Cardiomegaly, ..."
  nlohmann::json to_json() const;
  static LabelSpace from_json(const nlohmann::json& j);
};

const char* label_kind_name(LabelKind kind);  // "multi-label" / "multi-class"

// For each of `dataset`'s classes, its index in `model`'s. Throws, listing both sides, when the kinds differ or a
// dataset class has no counterpart (a model class the dataset lacks is fine: its column stays negative).
std::vector<int> map_label_space(const LabelSpace& dataset, const LabelSpace& model);

// ChestX-ray14's 14 findings in the order of its papers and of CheXNet; "No Finding" means none of them.
const std::vector<std::string>& nih_findings();
// CheXpert's 14 observation columns in train.csv order.
const std::vector<std::string>& chexpert_observations();

}  // namespace thorax::data
