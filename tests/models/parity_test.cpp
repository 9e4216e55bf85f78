// Every model of the zoo against torchvision, or timm for inception_resnet_v2 and xception (references by
// tests/torch/refs_models.py, timm from the virtual environment of tools/timm_venv.sh; computed in
// float64 from the float32 weights the export tool wrote, random batch-norm statistics included):
// the weights file loads by name, eval-mode logits match within 1e-4·max|ref| + 1e-5, train-mode
// logits (batch statistics) and the running statistics after that step match, inception_v3's auxiliary
// head matches in training mode (run alone: the whole model would need 299×299 images for it),
// the FLOPs counted by the tracer equal those counted by PyTorch hooks, the stages run shallow to
// deep (for timm's models they are timm's feature_info modules, with the same outputs), and for
// resnet18 and mobilenet_v2 every parameter's gradient matches.
//
// Beyond eval logits the bound on max|error| is max(1e-5 + 1e-4·max|ref|, 5 × float32 PyTorch's own
// max|error| against the same float64 reference), which models.json records per array. Each
// train-mode batch norm divides by the standard deviation of a batch of 2, which on a deep network
// amplifies float32 rounding (resnet101's train logits: PyTorch itself is off by 1.3e-4·max|ref|):
// thorax must then be as close to the exact answer as float32 PyTorch is, within a factor of 5; and a
// reference on which float32 PyTorch is off by more than 1e-3·max|ref| is refused as ill-conditioned.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "autograd/ops.h"
#include "models/inception_v3.h"
#include "models/registry.h"
#include "models/weights.h"
#include "nn/safetensors.h"
#include "nn/trace.h"
#include "tensor/npy.h"
#include "tests/support/check.h"

using namespace thorax;
using namespace thorax::testing;

namespace {

std::string refs_root() {
  const char* refs = std::getenv("THORAX_TORCH_REFS");
  REQUIRE_MESSAGE(refs != nullptr, "THORAX_TORCH_REFS is not set (run through ctest)");
  return std::string(refs) + "/models/";
}

nlohmann::json manifest() {
  std::ifstream f(refs_root() + "models.json");
  REQUIRE_MESSAGE(f.good(), "no model references in " << refs_root());
  return nlohmann::json::parse(f);
}

// Returns max|error| / max|ref|, for the timing line each model prints.
double expect_match(const Tensor& got, const Tensor& ref, Tolerance tol, const std::string& what) {
  Comparison c = compare(got, ref, tol);
  INFO(what << ": " << c.detail);
  CHECK(c.ok);
  return c.max_abs_error / c.max_abs_ref;
}

// The bound described at the top of this file, as a tolerance: PyTorch's own error widens it when larger.
double expect_close_as_torch(const Tensor& got, const Tensor& ref, double torch_error, const std::string& what) {
  Comparison c = compare(got, ref, {1e-5, 1e-4});
  const double bound = std::max(1e-5 + 1e-4 * c.max_abs_ref, 5.0 * torch_error);
  INFO(what << ": max |error| " << c.max_abs_error << ", bound " << bound << " (float32 PyTorch's error " << torch_error
            << ")");
  CHECK(c.max_abs_error <= bound);
  // A reference on which float32 itself is off by more than 1e-3 would make this test vacuous: the
  // input is too small for the network (too few values per channel for a train-mode batch norm).
  CHECK_MESSAGE(torch_error <= 1e-5 + 1e-3 * c.max_abs_ref, "the reference for " << what << " is ill-conditioned");
  return c.max_abs_error / c.max_abs_ref;
}

std::map<std::string, Tensor> as_map(const nn::NamedTensors& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("every model of the zoo has PyTorch parity references") {
  std::set<std::string> zoo, refs;
  for (const auto& info : models::model_zoo())
    if (info.has_reference) zoo.insert(info.name);  // the seed architectures have no torchvision or timm twin
  const nlohmann::json m = manifest();
  for (const auto& entry : m["models"]) refs.insert(entry["name"].get<std::string>());
  for (const auto& missing : m["unavailable"].items())
    FAIL_CHECK("no PyTorch references for " << missing.key() << ": " << missing.value().get<std::string>());
  CHECK(zoo == refs);
}

TEST_CASE("zoo models match torchvision: eval and train logits, running statistics, FLOPs, stages, gradients") {
  const nlohmann::json m = manifest();
  for (const auto& entry : m["models"]) {
    const std::string name = entry["name"], dir = refs_root() + name + "/";
    INFO("model " << name);
    const auto start = std::chrono::steady_clock::now();
    models::LoadedModel loaded = models::load_model(dir + "weights.safetensors");
    models::Model& model = *loaded.model;
    CHECK(model.architecture() == name);
    CHECK(model.args().num_classes == m["num_classes"].get<int64_t>());
    CHECK(loaded.report.missing.empty());

    double eval_error = 0;
    {  // eval mode, with the stages captured and every conv/linear call traced
      autograd::NoGrad no_grad;
      models::set_reproducible_mode(model, false);
      Tensor x = npy_load(dir + "x_eval.npy");
      nn::Tracer tracer(model);
      models::StagedOutput staged;
      {
        nn::ObserverScope scope(model, tracer);
        staged = models::run_with_stages(model, x, model.stages());
      }
      eval_error = expect_match(staged.output.logits, npy_load(dir + "eval_logits.npy"), {1e-5, 1e-4}, "eval logits");
      CHECK(staged.output.features.dim() == 2);
      CHECK(tracer.total_flops() == entry["flops"].get<int64_t>() * x.size(0));
      int64_t previous = x.size(2) + 1;
      for (const std::string& stage : model.stages()) {
        INFO("stage " << stage);
        REQUIRE(staged.stages.count(stage) == 1);
        const Tensor& s = staged.stages[stage];
        CHECK(s.dim() == 4);
        CHECK(s.size(2) < previous);  // each stage is deeper and coarser than the one before
        previous = s.size(2);
      }
      if (entry.contains("stages")) {  // timm's feature_info: the same modules, the same outputs
        CHECK(model.stages() == entry["stages"].get<std::vector<std::string>>());
        for (const std::string& stage : model.stages())
          expect_match(staged.stages[stage], npy_load(dir + "stage_" + stage + ".npy"), {1e-5, 1e-4}, "stage " + stage);
      }
    }

    const auto modes = entry["grad_modes"].get<std::vector<std::string>>();
    const bool train_grads = std::find(modes.begin(), modes.end(), "train") != modes.end();
    auto check_grads = [&](const std::string& mode, const Tensor& logits) {
      INFO(mode << "-mode gradients");
      model.zero_grad();
      autograd::backward(sum(logits * npy_load(dir + mode + "_loss_weights.npy").to(DType::f32)));
      auto params = as_map(model.named_parameters());
      auto refs = nn::safetensors_load(dir + mode + "_grads.safetensors").tensors;
      CHECK(refs.size() == params.size());
      const auto& torch_errors = entry["torch_f32_error"][mode + "_grads"];
      for (const auto& named : refs) {  // not a structured binding: doctest's macros capture it in a lambda
        const std::string& key = named.first;
        const Tensor& ref = named.second;
        Tensor g = params.at(key).grad();
        REQUIRE_MESSAGE(g.defined(), "no gradient reached " << key);
        expect_close_as_torch(g, ref, torch_errors[key].get<double>(), "gradient of " + key);
      }
    };
    if (std::find(modes.begin(), modes.end(), "eval") != modes.end()) {
      models::set_reproducible_mode(model, false);
      check_grads("eval", model.run(npy_load(dir + "x_eval.npy")).logits);
    }

    // Train mode: batch statistics, dropout off; one step, whose running-statistics update is checked.
    models::set_reproducible_mode(model, true);
    const auto& torch_error = entry["torch_f32_error"];
    if (entry["aux_head"].get<bool>()) {
      auto& inception = dynamic_cast<models::InceptionV3&>(model);
      inception.set_aux_logits(false);
      autograd::NoGrad no_grad;
      expect_close_as_torch(model.at("AuxLogits")(npy_load(dir + "x_aux.npy")), npy_load(dir + "aux_head_logits.npy"),
                            torch_error["aux_head_logits"], "auxiliary head in training mode");
    }
    models::ModelOutput out;
    {
      std::optional<autograd::NoGrad> no_grad;
      if (!train_grads) no_grad.emplace();
      out = model.run(npy_load(dir + "x_train.npy"));
    }
    const Tensor train_ref = npy_load(dir + "train_logits.npy");
    const double train_error = expect_close_as_torch(out.logits, train_ref, torch_error["train_logits"], "train logits");
    CHECK(!out.aux_logits.defined());
    auto state = as_map(model.state_dict());
    for (const auto& [key, ref] : nn::safetensors_load(dir + "buffers_after_train.safetensors").tensors)
      expect_close_as_torch(state.at(key), ref, torch_error["buffers"][key], key + " after one training step");
    if (train_grads) check_grads("train", out.logits);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double torch_train_error = torch_error["train_logits"].get<double>() / compare(train_ref, train_ref, {}).max_abs_ref;
    std::printf("parity %-20s %5.2f s  max|error|/max|ref|: eval %.1e, train %.1e (float32 PyTorch: %.1e)\n",
                name.c_str(), seconds, eval_error, train_error, torch_train_error);
  }
}
