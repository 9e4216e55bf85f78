#include "train/report_calibration.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace thorax::train {

Calibration calibration(const Predictions& p, int bins) {
  if (bins < 1) throw std::invalid_argument("calibration needs at least one bin, got " + std::to_string(bins));
  const bool multi_class = p.labels.kind == data::LabelKind::multi_class;
  Calibration c;
  c.unit = multi_class ? "images (top-class probability against accuracy)" : "(image, class) cells with a known label";
  std::vector<double> sum_p(bins, 0.0), sum_y(bins, 0.0);
  std::vector<int64_t> count(bins, 0);
  auto add = [&](double prob, double event) {
    const int b = std::min(bins - 1, static_cast<int>(prob * bins));
    sum_p[b] += prob;
    sum_y[b] += event;
    ++count[b];
  };
  for (size_t r = 0; r < p.rows(); ++r) {
    if (multi_class) {
      int top = 0;
      for (int k = 1; k < p.classes(); ++k)
        if (p.p(r, k) > p.p(r, top)) top = k;
      if (!std::isnan(p.y(r, top))) add(p.p(r, top), p.y(r, top) == 1.0f ? 1.0 : 0.0);
    } else {
      for (int k = 0; k < p.classes(); ++k)
        if (!std::isnan(p.y(r, k))) add(p.p(r, k), p.y(r, k));
    }
  }
  for (int b = 0; b < bins; ++b) c.predictions += count[b];
  c.ece = c.predictions > 0 ? 0.0 : NAN;
  for (int b = 0; b < bins; ++b) {
    CalibrationBin bin;
    bin.low = static_cast<double>(b) / bins;
    bin.high = static_cast<double>(b + 1) / bins;
    bin.count = count[b];
    bin.mean_predicted = count[b] ? sum_p[b] / count[b] : NAN;
    bin.observed = count[b] ? sum_y[b] / count[b] : NAN;
    if (count[b]) c.ece += static_cast<double>(count[b]) / c.predictions * std::abs(bin.mean_predicted - bin.observed);
    c.bins.push_back(bin);
  }
  return c;
}

}  // namespace thorax::train
