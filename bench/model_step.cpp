#include "bench/model_step.h"

#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include "autograd/ops.h"
#include "models/registry.h"
#include "nn/adam.h"
#include "tensor/rng.h"

namespace thorax::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Labels uniform over [0, classes), drawn from `gen`.
Tensor random_labels(int64_t n, int64_t classes, Generator& gen) {
  Tensor u = rand({n}, DType::f32, &gen);
  Tensor labels = Tensor::empty({n}, DType::i64);
  const float* pu = u.data<float>();
  int64_t* pl = labels.data<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    pl[i] = std::min<int64_t>(classes - 1, static_cast<int64_t>(pu[i] * static_cast<float>(classes)));
  return labels;
}

// torchvision's reference recipe for inception_v3: the auxiliary head's loss weighs 0.4.
constexpr double kAuxLossWeight = 0.4;

Tensor training_loss(const models::ModelOutput& out, const Tensor& labels) {
  Tensor loss = cross_entropy(out.logits, labels);
  if (out.aux_logits.defined()) loss = loss + kAuxLossWeight * cross_entropy(out.aux_logits, labels);
  return loss;
}

}  // namespace

const char* phase_name(Phase phase) { return phase == Phase::train ? "train" : "infer"; }

ModelAtRes parse_model_at_res(const std::string& text, int64_t default_res) {
  ModelAtRes m{text, default_res};
  const size_t at = text.find('@');
  if (at != std::string::npos) {
    m.model = text.substr(0, at);
    const std::string res = text.substr(at + 1);
    size_t used = 0;
    int64_t value = 0;
    try {
      value = std::stoll(res, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != res.size() || value < 1)
      throw std::invalid_argument("'" + text + "': the part after '@' must be a resolution in pixels, e.g. inception_v3@299");
    m.res = value;
  }
  models::model_info(m.model);  // an unknown name throws, listing the known ones
  return m;
}

int64_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) throw std::runtime_error("getrusage failed: cannot read the peak memory");
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of no values");
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

PhaseResult run_phase(const ModelStepOptions& o, Phase phase, const std::function<void(const std::string&)>& progress) {
  if (o.batch < 1 || o.res < 1 || o.threads < 1 || o.warmup < 0 || o.steps < 1)
    throw std::invalid_argument("bench model: batch, res, threads and steps must be at least 1 and warmup at least 0");
  omp_set_num_threads(o.threads);
  Generator gen(o.seed);
  std::unique_ptr<models::Model> model = models::create_model(o.model, models::ModelArgs{}, gen);
  Tensor x = randn({o.batch, model->args().in_channels, o.res, o.res}, DType::f32, &gen);
  Tensor labels = random_labels(o.batch, model->args().num_classes, gen);

  std::optional<nn::Adam> adam;
  if (phase == Phase::train) {
    model->train();
    adam.emplace(std::vector<nn::ParamGroup>{{model->parameters(), 1e-3, 0.0}});
  } else {
    model->eval();
  }

  PhaseResult r;
  r.phase = phase;
  r.num_classes = model->args().num_classes;
  r.profiled = o.profile && phase == Phase::train;
  std::optional<autograd::OpProfile> profile;
  const int total = o.warmup + o.steps;
  for (int step = 0; step < total; ++step) {
    const bool timed = step >= o.warmup;
    if (timed && r.profiled && !profile) profile.emplace();
    const Clock::time_point t0 = Clock::now();
    if (phase == Phase::infer) {
      autograd::NoGrad no_grad;
      model->run(x);
    } else {
      adam->zero_grad();
      if (profile) profile->mark();
      Clock::time_point t = Clock::now();
      const models::ModelOutput out = model->run(x, labels);
      const double forward = seconds_since(t);
      t = Clock::now();
      Tensor loss = training_loss(out, labels);
      const double loss_s = seconds_since(t);
      t = Clock::now();
      autograd::backward(loss);
      const double backward = seconds_since(t);
      t = Clock::now();
      adam->step();
      if (timed) {
        r.breakdown.forward += forward;
        r.breakdown.loss += loss_s;
        r.breakdown.backward += backward;
        r.breakdown.optimizer += seconds_since(t);
      }
    }
    const double secs = seconds_since(t0);
    if (timed) r.seconds.push_back(secs);
    if (progress) {
      char line[160];
      std::snprintf(line, sizeof line, "%s %s: step %d/%d%s %.3f s", o.model.c_str(), phase_name(phase), step + 1,
                    total, timed ? "" : " (warm-up)", secs);
      progress(line);
    }
  }
  if (profile) r.breakdown.ops = profile->totals();
  r.median_seconds = median(r.seconds);
  r.images_per_second = static_cast<double>(o.batch) / r.median_seconds;
  r.peak_rss_bytes = peak_rss_bytes();
  return r;
}

nlohmann::json to_json(const PhaseResult& r) {
  nlohmann::json j = {{"num_classes", r.num_classes},
                      {"seconds", r.seconds},
                      {"median_seconds", r.median_seconds},
                      {"images_per_second", r.images_per_second},
                      {"peak_rss_bytes", r.peak_rss_bytes}};
  if (r.profiled) {
    nlohmann::json ops = nlohmann::json::array();
    for (const autograd::OpTime& t : r.breakdown.ops)
      ops.push_back({{"op", t.name},
                     {"forward_calls", t.forward_calls},
                     {"forward_seconds", t.forward_seconds},
                     {"backward_calls", t.backward_calls},
                     {"backward_seconds", t.backward_seconds}});
    j["profile"] = {{"forward_seconds", r.breakdown.forward},
                    {"loss_seconds", r.breakdown.loss},
                    {"backward_seconds", r.breakdown.backward},
                    {"optimizer_seconds", r.breakdown.optimizer},
                    {"ops", ops}};
  }
  return j;
}

PhaseResult phase_from_json(const nlohmann::json& j, Phase phase) {
  PhaseResult r;
  r.phase = phase;
  r.num_classes = j.at("num_classes").get<int64_t>();
  r.seconds = j.at("seconds").get<std::vector<double>>();
  r.median_seconds = j.at("median_seconds").get<double>();
  r.images_per_second = j.at("images_per_second").get<double>();
  r.peak_rss_bytes = j.at("peak_rss_bytes").get<int64_t>();
  if (j.contains("profile")) {
    const nlohmann::json& p = j.at("profile");
    r.profiled = true;
    r.breakdown.forward = p.at("forward_seconds").get<double>();
    r.breakdown.loss = p.at("loss_seconds").get<double>();
    r.breakdown.backward = p.at("backward_seconds").get<double>();
    r.breakdown.optimizer = p.at("optimizer_seconds").get<double>();
    for (const nlohmann::json& op : p.at("ops"))
      r.breakdown.ops.push_back({op.at("op").get<std::string>(), op.at("forward_calls").get<int64_t>(),
                                 op.at("backward_calls").get<int64_t>(), op.at("forward_seconds").get<double>(),
                                 op.at("backward_seconds").get<double>()});
  }
  return r;
}

}  // namespace thorax::bench
