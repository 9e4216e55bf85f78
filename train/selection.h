// The validation score that picks the best epoch, drives ReduceLROnPlateau and early stopping.
#pragma once
#include "train/predictions.h"

namespace thorax::train {

struct Selection {
  double macro_auroc = 0.0;  // mean over the classes with both positive and negative validation images
  int classes_used = 0;      // 0: AUROC is undefined for every class (the score is then 0.5, chance)
};

Selection validation_score(const Predictions& val);

}  // namespace thorax::train
