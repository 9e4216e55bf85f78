// Helpers for the evaluation tests: scikit-learn's reference files (tests/torch/refs_metrics.py) and predictions
// built from them or drawn at random.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "train/predictions.h"

namespace thorax::train::testing {

using json = nlohmann::json;

// $THORAX_TORCH_REFS/metrics/, written by refs_metrics.py through the torch_refs fixture.
inline std::string metrics_refs() {
  const char* d = std::getenv("THORAX_TORCH_REFS");
  REQUIRE_MESSAGE(d != nullptr, "THORAX_TORCH_REFS is not set (run through ctest)");
  return std::string(d) + "/metrics/";
}

inline json load_ref(const std::string& name) {
  std::ifstream f(metrics_refs() + name);
  REQUIRE_MESSAGE(f.good(), "no reference file " << metrics_refs() + name);
  return json::parse(f);
}

// prefix + n (appended, not "prefix" + std::to_string(n): g++ 12 -O2 warns falsely (-Wrestrict) on that form).
inline std::string numbered(std::string prefix, size_t n) { return prefix.append(std::to_string(n)); }

inline double number_or_nan(const json& v) { return v.is_null() ? NAN : v.get<double>(); }

inline std::vector<double> doubles(const json& a) {
  std::vector<double> out;
  for (const json& v : a) out.push_back(number_or_nan(v));
  return out;
}

// Rows of probabilities and targets (null = unknown) as Predictions with no subgroup attributes.
inline Predictions predictions_from(const json& names, const json& prob, const json& target, data::LabelKind kind,
                                    const std::string& prefix = "img") {
  Predictions p;
  p.labels.names = names.get<std::vector<std::string>>();
  p.labels.kind = kind;
  for (size_t r = 0; r < prob.size(); ++r) {
    p.image.push_back(numbered(prefix, r));
    p.patient_id.push_back(numbered(prefix, r));
    p.split.push_back("test");
    for (const json& v : prob[r]) p.prob.push_back(static_cast<float>(v.get<double>()));
    for (const json& v : target[r]) p.target.push_back(static_cast<float>(number_or_nan(v)));
    p.sex.push_back("");
    p.age.push_back(-1);
    p.view.push_back("");
  }
  return p;
}

// `rows` images of one multi-label class whose positives score higher on average (separation `signal`), each its
// own patient unless `patients` is smaller.
inline Predictions random_predictions(size_t rows, double signal, uint32_t seed, size_t patients = 0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::bernoulli_distribution positive(0.3);
  Predictions p;
  p.labels.names = {"finding"};
  for (size_t r = 0; r < rows; ++r) {
    const bool y = positive(gen);
    p.image.push_back(numbered("i", r));
    p.patient_id.push_back(numbered("p", patients ? r % patients : r));
    p.split.push_back("test");
    p.prob.push_back(static_cast<float>(1 / (1 + std::exp(-(signal * y + noise(gen))))));
    p.target.push_back(y ? 1.0f : 0.0f);
    p.sex.push_back(r % 2 ? "M" : "F");
    p.age.push_back(static_cast<int>(r % 90));
    p.view.push_back("PA");
  }
  return p;
}

}  // namespace thorax::train::testing
