// Optimizers against PyTorch's (LARS against SimCLR's rule in numpy): the same initial parameters and
// gradients, the parameters compared after every step. Plus gradient clipping and state round trips.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "nn/adam.h"
#include "nn/lars.h"
#include "nn/sgd.h"
#include "tensor/npy.h"
#include "tests/support/check.h"

using namespace thorax;
using namespace thorax::nn;
using namespace thorax::testing;
using json = nlohmann::json;

static std::string optim_dir() {
  const char* d = std::getenv("THORAX_TORCH_REFS");
  return d ? std::string(d) + "/optim/" : "";
}

static std::unique_ptr<Optimizer> make(const json& c, std::vector<Tensor> params) {
  std::vector<ParamGroup> groups{{params, c["lr"].get<double>(), c["weight_decay"].get<double>()}};
  const std::string kind = c["kind"];
  if (kind == "sgd")
    return std::make_unique<Sgd>(groups, SgdOptions{c["momentum"], c["dampening"], c["nesterov"]});
  if (kind == "lars") return std::make_unique<Lars>(groups, LarsOptions{c["momentum"], c["eta"]});
  AdamOptions o{c["beta1"], c["beta2"], c["eps"]};
  if (kind == "adamw") return std::make_unique<AdamW>(groups, o);
  return std::make_unique<Adam>(groups, o);
}

TEST_CASE("optimizers follow PyTorch's trajectories step by step") {
  const std::string dir = optim_dir();
  REQUIRE_MESSAGE(!dir.empty(), "THORAX_TORCH_REFS is not set (run through ctest)");
  std::ifstream f(dir + "configs.json");
  REQUIRE_MESSAGE(f.good(), "no optimizer references in " << dir);
  json all = json::parse(f);
  const int64_t steps = all["steps"];
  for (const json& c : all["configs"]) {
    const std::string d = dir + c["name"].get<std::string>() + "/";
    std::vector<Tensor> params, grads, traj;
    for (int j = 0; j < 2; ++j) {
      params.push_back(npy_load(d + "p" + std::to_string(j) + ".npy"));
      grads.push_back(npy_load(d + "g" + std::to_string(j) + ".npy"));
      traj.push_back(npy_load(d + "traj" + std::to_string(j) + ".npy"));
    }
    auto opt = make(c, params);
    for (int64_t k = 0; k < steps; ++k) {
      for (size_t j = 0; j < params.size(); ++j) {
        Tensor g = grads[j];
        Shape s(g.shape().begin() + 1, g.shape().end());
        params[j].set_grad(g.as_strided(s, contiguous_strides(s), k * numel(s)).clone());
      }
      opt->step();
      for (size_t j = 0; j < params.size(); ++j) {
        Tensor t = traj[j];
        Shape s(t.shape().begin() + 1, t.shape().end());
        Comparison cmp = compare(params[j], t.as_strided(s, contiguous_strides(s), k * numel(s)), {1e-6, 1e-5});
        INFO(c["name"].get<std::string>() << " step " << k + 1 << " param " << j << ": " << cmp.detail);
        CHECK(cmp.ok);
      }
    }
  }
}

TEST_CASE("clip_grad_norm matches torch.nn.utils.clip_grad_norm_") {
  const std::string d = optim_dir() + "clip/";
  std::vector<Tensor> params;
  for (int j = 0; j < 2; ++j) {
    Tensor g = npy_load(d + "g" + std::to_string(j) + ".npy");
    Tensor p = Tensor::zeros(g.shape());
    p.set_grad(g);
    params.push_back(p);
  }
  double norm = clip_grad_norm(params, 1.5);
  CHECK(norm == doctest::Approx(npy_load(d + "norm.npy").item()).epsilon(1e-6));
  for (int j = 0; j < 2; ++j)
    CHECK(compare(params[j].grad(), npy_load(d + "clipped" + std::to_string(j) + ".npy"), {1e-6, 1e-6}).ok);
}

TEST_CASE("optimizer state round-trips and learning-rate factors apply per group") {
  Tensor w = Tensor::ones({3}), b = Tensor::ones({2});
  Adam a({{{w}, 0.1, 0.0}, {{b}, 0.01, 0.0}});
  w.set_grad(Tensor::full({3}, 0.5));
  b.set_grad(Tensor::full({2}, -0.5));
  a.step();
  auto state = a.state();
  CHECK(state.size() == 5);  // exp_avg and exp_avg_sq of two params, and the step count
  Tensor w2 = Tensor::ones({3}), b2 = Tensor::ones({2});
  Adam resumed({{{w2}, 0.1, 0.0}, {{b2}, 0.01, 0.0}});
  resumed.load_state(state);
  w2.copy_from(w);
  b2.copy_from(b);
  w.set_grad(Tensor::full({3}, 0.25));
  w2.set_grad(Tensor::full({3}, 0.25));
  a.step();
  resumed.step();
  CHECK(w2.to_vector() == w.to_vector());  // same state, same update
  a.set_lr_factor(0.5);
  CHECK(a.groups()[0].lr == doctest::Approx(0.05));
  CHECK(a.groups()[1].lr == doctest::Approx(0.005));
  CHECK_THROWS_WITH(resumed.load_state({{"7.0.exp_avg", Tensor::zeros({3})}}),
                    "optimizer state: '7.0.exp_avg' names a parameter this optimizer does not have");
}
