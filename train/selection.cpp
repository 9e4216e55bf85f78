#include "train/selection.h"

#include <vector>

#include "train/metrics.h"

namespace thorax::train {

Selection validation_score(const Predictions& val) {
  Selection s;
  double sum = 0;
  std::vector<double> score(val.rows()), label(val.rows());
  for (int c = 0; c < val.classes(); ++c) {
    for (size_t r = 0; r < val.rows(); ++r) {
      score[r] = val.p(r, c);
      label[r] = val.y(r, c);  // NaN (unknown) rows are left out by rank()
    }
    const Metric a = auroc(RankedScores::rank(score, label));
    if (!a.defined()) continue;
    sum += *a.value;
    ++s.classes_used;
  }
  s.macro_auroc = s.classes_used > 0 ? sum / s.classes_used : 0.5;
  return s;
}

}  // namespace thorax::train
