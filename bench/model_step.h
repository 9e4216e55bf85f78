// The model step harness behind `thorax bench model`: times one zoo model's training step or inference
// pass on random data, exactly as bench/compare_models.py times torchvision's model, so the two compare.
//
//   train step: drop the gradients; forward in training mode (batch statistics; dropout and stochastic depth
//               on, as PyTorch's model.train()); cross-entropy on random labels, plus 0.4 × the auxiliary
//               head's for inception_v3 (torchvision's reference training recipe); backward; Adam (lr 1e-3).
//   inference:  eval mode, no graph (NoGrad), forward.
// Input: N(0, 1) images (batch, 3, res, res); labels uniform over the model's default class count (1000,
// torchvision's). Warm-up steps run first and are not timed (the first step allocates everything).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autograd/profile.h"

namespace thorax::bench {

enum class Phase { train, infer };
const char* phase_name(Phase phase);

struct ModelStepOptions {
  std::string model;  // a name of models/registry.h
  int64_t batch = 8;
  int64_t res = 224;
  int threads = 2;  // OpenMP threads for the kernels
  int warmup = 1;   // untimed steps
  int steps = 5;    // timed steps
  uint64_t seed = 0;
  bool profile = false;  // train: time every autograd op (autograd/profile.h)
};

// "inception_v3@299": a model name with its own resolution; a bare name takes `default_res`. The name is
// checked against the registry (an unknown one is an error listing the known ones).
struct ModelAtRes {
  std::string model;
  int64_t res;
};
ModelAtRes parse_model_at_res(const std::string& text, int64_t default_res);

// Where one training step's time goes, summed over the timed steps.
struct StepBreakdown {
  double forward = 0, loss = 0, backward = 0, optimizer = 0;
  std::vector<autograd::OpTime> ops;  // per autograd op, largest first
};

struct PhaseResult {
  Phase phase = Phase::train;
  int64_t num_classes = 0;      // the model's outputs (its default, torchvision's)
  std::vector<double> seconds;  // one per timed step
  double median_seconds = 0;
  double images_per_second = 0;  // batch / median_seconds
  int64_t peak_rss_bytes = 0;    // the process's high-water mark (getrusage), at the end of the phase
  bool profiled = false;
  StepBreakdown breakdown;  // when profiled
};

// Builds the model (torchvision's initialization, seeded), sets the OpenMP thread count, runs the phase.
// `progress` receives one line per step.
PhaseResult run_phase(const ModelStepOptions& options, Phase phase,
                      const std::function<void(const std::string&)>& progress = {});

// The process's peak resident set size so far, in bytes (Linux reports ru_maxrss in KiB).
int64_t peak_rss_bytes();

double median(std::vector<double> values);

nlohmann::json to_json(const PhaseResult& r);
PhaseResult phase_from_json(const nlohmann::json& j, Phase phase);

}  // namespace thorax::bench
