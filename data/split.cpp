#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

#include "data/random.h"

namespace thorax::data {

namespace {

// Samples grouped by patient, groups in order of first appearance (deterministic).
struct Groups {
  std::vector<std::vector<size_t>> members;
  std::vector<std::string> patient;
};

Groups group_by_patient(const Dataset& d, const std::vector<size_t>& pool) {
  Groups g;
  std::map<std::string, size_t> index;
  for (size_t i : pool) {
    const std::string& p = d.samples[i].patient_id;
    auto [it, inserted] = index.emplace(p, g.members.size());
    if (inserted) {
      g.members.emplace_back();
      g.patient.push_back(p);
    }
    g.members[it->second].push_back(i);
  }
  return g;
}

std::vector<size_t> all_indices(const Dataset& d) {
  std::vector<size_t> v(d.size());
  std::iota(v.begin(), v.end(), size_t{0});
  return v;
}

// Positives per label in each group (a patient with 3 images positive for a label counts 3).
std::vector<std::vector<int>> label_counts(const Dataset& d, const Groups& g) {
  std::vector<std::vector<int>> counts(g.members.size(), std::vector<int>(d.labels.size(), 0));
  for (size_t gi = 0; gi < g.members.size(); ++gi)
    for (size_t i : g.members[gi])
      for (int c = 0; c < d.labels.size(); ++c)
        if (d.samples[i].mask[c] && d.samples[i].target[c] >= 0.5f) ++counts[gi][c];
  return counts;
}

void check_fractions(SplitFractions f) {
  if (f.train < 0 || f.val < 0 || f.test < 0 || std::fabs(f.train + f.val + f.test - 1.0) > 1e-6)
    throw std::invalid_argument("split fractions must be non-negative and add up to 1 (got train " +
                                std::to_string(f.train) + ", val " + std::to_string(f.val) + ", test " +
                                std::to_string(f.test) + ")");
}

// Shuffled groups cut by cumulative fractions of the number of groups.
void assign_random(const Groups& g, const std::vector<std::pair<std::string, double>>& parts, uint64_t seed,
                   uint64_t stream, std::vector<std::string>& split) {
  std::vector<size_t> order(g.members.size());
  std::iota(order.begin(), order.end(), size_t{0});
  Rng rng(seed, stream);
  rng.shuffle(order);
  const double n = static_cast<double>(order.size());
  size_t start = 0;
  double cumulative = 0;
  for (size_t p = 0; p < parts.size(); ++p) {
    cumulative += parts[p].second;
    size_t end = p + 1 == parts.size() ? order.size() : static_cast<size_t>(std::llround(cumulative * n));
    for (size_t k = start; k < std::min(end, order.size()); ++k)
      for (size_t i : g.members[order[k]]) split[i] = parts[p].first;
    start = std::max(start, end);
  }
}

// The greedy pass can leave a subset short of a label whose groups were all placed while rarer labels were being
// spread. Move such groups over, one at a time, only when the move leaves no other subset short.
void repair_minimum(const std::vector<std::vector<int>>& counts, size_t k, int minimum, std::vector<int>& subset) {
  const size_t labels = counts.empty() ? 0 : counts[0].size();
  std::vector<std::vector<int64_t>> have(k, std::vector<int64_t>(labels, 0));
  std::vector<int64_t> total(labels, 0);
  for (size_t g = 0; g < counts.size(); ++g)
    for (size_t l = 0; l < labels; ++l) {
      have[subset[g]][l] += counts[g][l];
      total[l] += counts[g][l];
    }
  for (size_t moves = 0; moves < counts.size(); ++moves) {
    int short_s = -1, short_l = -1;
    for (size_t s = 0; s < k && short_s < 0; ++s)
      for (size_t l = 0; l < labels && short_s < 0; ++l)
        if (have[s][l] < minimum && total[l] >= static_cast<int64_t>(minimum) * static_cast<int64_t>(k))
          short_s = static_cast<int>(s), short_l = static_cast<int>(l);
    if (short_s < 0) return;
    int best = -1;
    int64_t best_others = 0;
    for (size_t g = 0; g < counts.size(); ++g) {
      const int from = subset[g];
      if (from == short_s || counts[g][short_l] == 0) continue;
      bool safe = true;  // the source keeps its minimum of every label it had enough of
      int64_t others = 0;
      for (size_t l = 0; l < labels; ++l) {
        if (have[from][l] >= minimum && have[from][l] - counts[g][l] < minimum) safe = false;
        others += counts[g][l];
      }
      if (safe && (best < 0 || others < best_others)) best = static_cast<int>(g), best_others = others;
    }
    if (best < 0) return;  // no move keeps every other subset whole: leave it as close as it is
    for (size_t l = 0; l < labels; ++l) {
      have[subset[best]][l] -= counts[best][l];
      have[short_s][l] += counts[best][l];
    }
    subset[best] = short_s;
  }
}

}  // namespace

std::vector<std::string> patient_split(const Dataset& d, SplitFractions f, uint64_t seed) {
  check_fractions(f);
  std::vector<std::string> split(d.size());
  assign_random(group_by_patient(d, all_indices(d)), {{"train", f.train}, {"val", f.val}, {"test", f.test}}, seed,
                stream_id(11, 0), split);
  return split;
}

std::vector<std::string> official_split(const Dataset& d, double val_fraction, uint64_t seed) {
  std::vector<std::string> split(d.size());
  std::vector<size_t> to_split;
  for (size_t i = 0; i < d.size(); ++i) {
    const std::string& o = d.samples[i].official_split;
    if (o == "test" || o == "val")
      split[i] = o;
    else if (o == "train" || o == "train_val")
      to_split.push_back(i);
    else
      throw std::runtime_error(d.spec + ": sample " + d.samples[i].id +
                               " has no official split (the source lists none for it); use a patient split instead");
  }
  assign_random(group_by_patient(d, to_split), {{"train", 1.0 - val_fraction}, {"val", val_fraction}}, seed,
                stream_id(12, 0), split);
  return split;
}

std::vector<Leak> find_leaks(const Dataset& d, const std::vector<std::string>& split) {
  if (split.size() != d.size())
    throw std::invalid_argument("find_leaks: " + std::to_string(split.size()) + " split entries for " +
                                std::to_string(d.size()) + " samples");
  std::map<std::string, std::pair<std::set<std::string>, int64_t>> seen;
  for (size_t i = 0; i < d.size(); ++i) {
    if (split[i].empty()) continue;  // not in any split
    auto& s = seen[d.samples[i].patient_id];
    s.first.insert(split[i]);
    ++s.second;
  }
  std::vector<Leak> leaks;
  for (const auto& [patient, s] : seen)
    if (s.first.size() > 1)
      leaks.push_back({patient, std::vector<std::string>(s.first.begin(), s.first.end()), s.second});
  return leaks;
}

std::vector<int> iterative_stratification(const std::vector<std::vector<int>>& counts,
                                          const std::vector<double>& fractions, uint64_t seed, int min_per_label) {
  const size_t n = counts.size(), k = fractions.size();
  const size_t labels = n ? counts[0].size() : 0;
  std::vector<int> subset(n, -1);
  if (k == 0) throw std::invalid_argument("iterative_stratification: no subsets asked for");

  // Desired positives per subset and label, and desired group counts per subset.
  std::vector<std::vector<double>> want(k, std::vector<double>(labels, 0.0));
  std::vector<double> want_groups(k);
  std::vector<int64_t> total(labels, 0);
  for (const auto& c : counts)
    for (size_t l = 0; l < labels; ++l) total[l] += c[l];
  for (size_t s = 0; s < k; ++s) {
    want_groups[s] = fractions[s] * static_cast<double>(n);
    for (size_t l = 0; l < labels; ++l) {
      want[s][l] = fractions[s] * static_cast<double>(total[l]);
      if (total[l] >= static_cast<int64_t>(min_per_label) * static_cast<int64_t>(k))
        want[s][l] = std::max(want[s][l], static_cast<double>(min_per_label));
    }
  }

  // Ties are broken by a seeded random order of the groups and subsets.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  Rng rng(seed, stream_id(13, 0));
  rng.shuffle(order);

  auto place = [&](size_t g, int s) {
    subset[g] = s;
    want_groups[s] -= 1.0;
    for (size_t l = 0; l < labels; ++l) want[s][l] -= counts[g][l];
  };
  auto best_subset = [&](int label) {
    int best = 0;
    for (size_t s = 1; s < k; ++s) {
      auto key = [&](size_t t) {
        return std::make_pair(label >= 0 ? want[t][label] : want_groups[t], want_groups[t]);
      };
      if (key(s) > key(best)) best = static_cast<int>(s);
    }
    return best;
  };

  std::vector<int64_t> remaining = total;
  for (;;) {
    // The label with the fewest positives still unplaced goes first: rare labels get spread before others fill.
    int label = -1;
    for (size_t l = 0; l < labels; ++l)
      if (remaining[l] > 0 && (label < 0 || remaining[l] < remaining[label])) label = static_cast<int>(l);
    if (label < 0) break;
    for (size_t g : order)
      if (subset[g] < 0 && counts[g][label] > 0) {
        int s = best_subset(label);
        place(g, s);
        for (size_t l = 0; l < labels; ++l) remaining[l] -= counts[g][l];
      }
  }
  for (size_t g : order)  // groups without any positive label fill by size
    if (subset[g] < 0) place(g, best_subset(-1));
  if (min_per_label > 0) repair_minimum(counts, k, min_per_label, subset);
  return subset;
}

std::vector<int> grouped_stratified_kfold(const Dataset& d, int k, uint64_t seed) {
  if (k < 2) throw std::invalid_argument("k-fold needs k >= 2, got " + std::to_string(k));
  const Groups g = group_by_patient(d, all_indices(d));
  if (static_cast<int>(g.members.size()) < k)
    throw std::invalid_argument(std::to_string(k) + "-fold needs at least " + std::to_string(k) + " patients, " +
                                d.spec + " has " + std::to_string(g.members.size()));
  std::vector<int> group_fold =
      iterative_stratification(label_counts(d, g), std::vector<double>(k, 1.0 / k), seed, 1);
  std::vector<int> fold(d.size(), -1);
  for (size_t gi = 0; gi < g.members.size(); ++gi)
    for (size_t i : g.members[gi]) fold[i] = group_fold[gi];
  return fold;
}

std::vector<size_t> stratified_subset(const Dataset& d, const std::vector<size_t>& pool, double fraction,
                                      uint64_t seed) {
  if (!(fraction > 0 && fraction <= 1))
    throw std::invalid_argument("label fraction must be in (0, 1], got " + std::to_string(fraction));
  const Groups g = group_by_patient(d, pool);
  std::vector<int> which = iterative_stratification(label_counts(d, g), {fraction, 1.0 - fraction}, seed, 1);
  std::vector<size_t> out;
  for (size_t gi = 0; gi < g.members.size(); ++gi)
    if (which[gi] == 0) out.insert(out.end(), g.members[gi].begin(), g.members[gi].end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<size_t> indices_of(const std::vector<std::string>& split, const std::string& name) {
  std::vector<size_t> out;
  for (size_t i = 0; i < split.size(); ++i)
    if (split[i] == name) out.push_back(i);
  return out;
}

nlohmann::json split_to_json(const Dataset& d, const std::vector<std::string>& split) {
  nlohmann::json j = {{"dataset", d.spec}, {"splits", nlohmann::json::object()}};
  std::map<std::string, std::pair<std::vector<std::string>, std::set<std::string>>> parts;
  for (size_t i = 0; i < d.size(); ++i)
    if (!split[i].empty()) {
      parts[split[i]].first.push_back(d.samples[i].id);
      parts[split[i]].second.insert(d.samples[i].patient_id);
    }
  for (const auto& [name, p] : parts)
    j["splits"][name] = {{"images", p.first}, {"patients", std::vector<std::string>(p.second.begin(), p.second.end())}};
  return j;
}

}  // namespace thorax::data
