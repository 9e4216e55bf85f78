#include "data/stats.h"

#include <algorithm>
#include <numeric>
#include <set>

namespace thorax::data {

DatasetStats compute_stats(const Dataset& dataset) {
  std::vector<size_t> all(dataset.size());
  std::iota(all.begin(), all.end(), size_t{0});
  return compute_stats(dataset, all);
}

DatasetStats compute_stats(const Dataset& dataset, const std::vector<size_t>& indices) {
  DatasetStats st;
  const int k = dataset.labels.size();
  st.classes.resize(k);
  for (int c = 0; c < k; ++c) st.classes[c].name = dataset.labels.names[c];
  std::set<std::string> patients;
  double age_sum = 0;
  for (size_t i : indices) {
    const Sample& s = dataset.samples[i];
    ++st.images;
    patients.insert(s.patient_id);
    bool any = false;
    for (int c = 0; c < k; ++c) {
      if (!s.mask[c]) {
        ++st.classes[c].masked;
      } else if (s.target[c] >= 0.5f) {
        ++st.classes[c].positives;
        any = true;
      } else {
        ++st.classes[c].negatives;
      }
    }
    if (!any) ++st.no_positive;
    if (!s.view.empty()) ++st.views[s.view];
    ++st.sexes[s.sex.empty() ? "unknown" : s.sex];
    if (!s.official_split.empty()) ++st.splits[s.official_split];
    if (s.age >= 0) {
      st.min_age = st.with_age == 0 ? s.age : std::min(st.min_age, s.age);
      st.max_age = st.with_age == 0 ? s.age : std::max(st.max_age, s.age);
      age_sum += s.age;
      ++st.with_age;
    }
  }
  st.patients = static_cast<int64_t>(patients.size());
  st.mean_age = st.with_age ? age_sum / st.with_age : 0.0;
  for (auto& c : st.classes) {
    int64_t counted = c.positives + c.negatives;
    c.prevalence = counted ? static_cast<double>(c.positives) / counted : 0.0;
    if (c.positives == 0) continue;
    c.weight = dataset.labels.kind == LabelKind::multi_label
                   ? static_cast<double>(c.negatives) / c.positives
                   : static_cast<double>(st.images) / (static_cast<double>(k) * c.positives);
  }
  return st;
}

}  // namespace thorax::data
