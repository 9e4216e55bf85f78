#include "train/ensemble.h"

#include <cmath>
#include <map>
#include <stdexcept>

#include "train/run_dir.h"
#include "train/selection.h"

namespace thorax::train {

namespace {

Predictions read_run(const std::string& dir) {
  const RunDir run(dir, false);
  const data::LabelSpace labels = data::LabelSpace::from_json(read_json_file(run.config()).at("labels"));
  if (!run.has("predictions.csv"))
    throw std::runtime_error(dir + " has no predictions.csv (its training did not finish)");
  return read_predictions_csv(run.predictions(), labels.kind);
}

// The rows of `p` in the order of `order`'s image ids.
std::vector<size_t> align(const Predictions& order, const Predictions& p, const std::string& run) {
  std::map<std::string, size_t> row_of;
  for (size_t r = 0; r < p.rows(); ++r) row_of[p.image[r]] = r;
  if (p.rows() != order.rows())
    throw std::runtime_error(run + " predicts " + std::to_string(p.rows()) + " images, the first run " +
                             std::to_string(order.rows()) + ": ensemble members must share one split");
  std::vector<size_t> rows;
  for (size_t r = 0; r < order.rows(); ++r) {
    const auto it = row_of.find(order.image[r]);
    if (it == row_of.end()) throw std::runtime_error(run + " has no prediction for image " + order.image[r]);
    rows.push_back(it->second);
  }
  return rows;
}

// One member's 0/1 decisions per (row, class): thresholds chosen on its validation rows, or argmax.
std::vector<float> decisions(const Predictions& p, ThresholdRule rule) {
  const int k = p.classes();
  std::vector<float> d(p.rows() * k, 0.0f);
  if (p.labels.kind == data::LabelKind::multi_class) {
    for (size_t r = 0; r < p.rows(); ++r) {
      int best = 0;
      for (int c = 1; c < k; ++c)
        if (p.p(r, c) > p.p(r, best)) best = c;
      d[r * k + best] = 1.0f;
    }
    return d;
  }
  const Predictions val = select_split(p, "val");
  std::vector<double> score(val.rows()), label(val.rows());
  for (int c = 0; c < k; ++c) {
    for (size_t r = 0; r < val.rows(); ++r) score[r] = val.p(r, c), label[r] = val.y(r, c);
    const double t = choose_threshold(RankedScores::rank(score, label), rule).threshold;
    for (size_t r = 0; r < p.rows(); ++r) d[r * k + c] = p.p(r, c) >= t ? 1.0f : 0.0f;
  }
  return d;
}

}  // namespace

EnsembleResult combine_runs(const std::vector<std::string>& runs, const std::string& method, ThresholdRule rule) {
  if (runs.size() < 2) throw std::invalid_argument("an ensemble needs at least two runs");
  if (method != "mean" && method != "weighted" && method != "vote")
    throw std::invalid_argument("--method '" + method + "' is not one of: mean, weighted, vote");
  std::vector<Predictions> members;
  for (const auto& r : runs) members.push_back(read_run(r));
  const Predictions& first = members.front();
  for (size_t m = 1; m < members.size(); ++m)
    if (members[m].labels.names != first.labels.names || members[m].labels.kind != first.labels.kind)
      throw std::runtime_error(runs[m] + " has another label space than " + runs[0] + " (" + members[m].labels.describe() +
                               " vs " + first.labels.describe() + ")");
  EnsembleResult out;
  out.votes = method == "vote";
  // Weights: equal, or each member's validation macro AUROC (chance, 0.5, when undefined).
  for (const Predictions& p : members)
    out.weights.push_back(method == "weighted" ? validation_score(select_split(p, "val")).macro_auroc : 1.0);
  double total = 0;
  for (double w : out.weights) total += w;
  for (double& w : out.weights) w /= total;

  const int k = first.classes();
  Predictions& e = out.predictions;
  e = first;
  std::fill(e.prob.begin(), e.prob.end(), 0.0f);
  for (size_t m = 0; m < members.size(); ++m) {
    const std::vector<size_t> rows = align(first, members[m], runs[m]);
    const std::vector<float> member = out.votes ? decisions(members[m], rule) : members[m].prob;
    for (size_t r = 0; r < first.rows(); ++r) {
      for (int c = 0; c < k; ++c) {
        const float y = members[m].y(rows[r], c), y0 = first.y(r, c);
        if (!(std::isnan(y) && std::isnan(y0)) && y != y0)
          throw std::runtime_error(runs[m] + " labels image " + first.image[r] + " differently from " + runs[0]);
        e.prob[r * k + c] += static_cast<float>(out.weights[m]) * member[rows[r] * k + c];
      }
    }
  }
  for (float& v : e.prob) v = std::min(v, 1.0f);  // rounding of the weighted sum may pass 1 by an ulp
  return out;
}

}  // namespace thorax::train
