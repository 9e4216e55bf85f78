// A model's predictions on a set of images, as `predictions.csv` of the run directory holds them (Contracts):
// columns `image,patient_id,split,` then `p_<class>` for each class, then `y_<class>`, then the subgroup
// columns `sex,age,view` (an extension after the contract's columns; readers ignore columns they do not know).
// Everything `eval`, `compare` and `ensemble` compute starts from this table.
#pragma once
#include <string>
#include <vector>

#include "data/label_space.h"

namespace thorax::train {

struct Predictions {
  data::LabelSpace labels;
  std::vector<std::string> image;       // image id, one per row
  std::vector<std::string> patient_id;  // never empty (the image id when the source has no patients)
  std::vector<std::string> split;       // "train", "val", "test" (or "" when not from a split)
  // rows × classes, row-major. prob: sigmoid per class (multi-label) or softmax over classes (multi-class).
  std::vector<float> prob;
  // rows × classes, row-major: 0 or 1; NaN where the label is unknown or masked (CheXpert `ignore`); one-hot for
  // multi-class. Written as an empty cell.
  std::vector<float> target;
  std::vector<std::string> sex;  // "M", "F" or "" (unknown)
  std::vector<int> age;          // years, -1 unknown
  std::vector<std::string> view; // "PA", "AP", ... or ""

  size_t rows() const { return image.size(); }
  int classes() const { return labels.size(); }
  float p(size_t row, int c) const { return prob[row * classes() + c]; }
  float y(size_t row, int c) const { return target[row * classes() + c]; }

  void append_row(const Predictions& other, size_t row);  // copies one row of `other` (same label space)
  void check() const;  // throws naming the column when sizes disagree or a probability is outside [0,1]
};

// The rows whose split equals `split` ("" keeps every row).
Predictions select_split(const Predictions& all, const std::string& split);

// Atomic write (temporary name + rename). Probabilities are written with 9 significant digits so a round trip
// reproduces every metric exactly.
void write_predictions_csv(const std::string& path, const Predictions& predictions);
// Reads what write_predictions_csv wrote (and any CSV with the contract's columns); the label space's names come
// from the p_ columns, its kind must be given (it is recorded in the run's config, not in the CSV).
Predictions read_predictions_csv(const std::string& path, data::LabelKind kind);

}  // namespace thorax::train
