// The golden end-to-end check (tests/torch/refs_golden_cnn.py writes the PyTorch side): a small CNN
// (conv, batch norm, relu, max pool, conv, relu, batch norm, global average pool, linear) with
// PyTorch's weights. Logits, loss, every parameter gradient and the running statistics after one step
// match, 10 Adam steps give the same losses, and eval-mode logits after training match.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "autograd/ops.h"
#include "nn/adam.h"
#include "tensor/npy.h"
#include "tests/support/check.h"

using namespace thorax;
using namespace thorax::testing;

namespace {

struct GoldenCnn {
  std::map<std::string, Tensor> t;  // state_dict names -> tensors

  Tensor forward(const Tensor& x, bool training) {
    Conv2dOptions same;
    same.padding = {1, 1};
    Tensor h = conv2d(x, t["conv1.weight"], Tensor(), same);
    h = batch_norm(h, t["bn1.running_mean"], t["bn1.running_var"], t["bn1.weight"], t["bn1.bias"], training);
    h = max_pool2d(relu(h), {2, 2});
    Conv2dOptions down;
    down.stride = {2, 2};
    down.padding = {1, 1};
    h = relu(conv2d(h, t["conv2.weight"], t["conv2.bias"], down));
    h = batch_norm(h, t["bn2.running_mean"], t["bn2.running_var"], t["bn2.weight"], t["bn2.bias"], training);
    return linear(flatten(adaptive_avg_pool2d(h, {1, 1}), 1), t["fc.weight"], t["fc.bias"]);
  }
};

void expect_match(const Tensor& got, const Tensor& ref, Tolerance tol, const std::string& what) {
  Comparison c = compare(got, ref, tol);
  INFO(what << ": " << c.detail);
  CHECK(c.ok);
}

}  // namespace

TEST_CASE("golden CNN: logits, loss, gradients, running statistics and 10 Adam steps match PyTorch") {
  const char* refs = std::getenv("THORAX_TORCH_REFS");
  REQUIRE_MESSAGE(refs != nullptr, "THORAX_TORCH_REFS is not set (run through ctest)");
  const std::string dir = std::string(refs) + "/golden_cnn/";
  std::ifstream f(dir + "golden.json");
  REQUIRE_MESSAGE(f.good(), "no golden CNN references in " << dir);
  nlohmann::json golden = nlohmann::json::parse(f);

  GoldenCnn net;
  for (const std::string name : golden["names"]) net.t[name] = npy_load(dir + "init." + name + ".npy");
  std::vector<Tensor> params;
  for (const std::string name : golden["params"]) params.push_back(net.t[name].set_requires_grad(true));
  Tensor x = npy_load(dir + "x.npy"), y = npy_load(dir + "y.npy");

  nn::Adam opt({{params, 1e-2, 0.0}});
  const auto& losses = golden["losses"];
  for (size_t step = 0; step < losses.size(); ++step) {
    opt.zero_grad();
    Tensor logits = net.forward(x, true);
    Tensor loss = cross_entropy(logits, y);
    autograd::backward(loss);
    if (step == 0) {
      expect_match(logits, npy_load(dir + "logits.npy"), {1e-5, 1e-5}, "logits");
      for (const std::string name : golden["params"])
        expect_match(net.t[name].grad(), npy_load(dir + "grad." + name + ".npy"), {1e-5, 1e-4}, "gradient of " + name);
      for (const std::string name : golden["names"])
        if (name.find("running") != std::string::npos)
          expect_match(net.t[name], npy_load(dir + "after1." + name + ".npy"), {1e-6, 1e-5}, name + " after one step");
    }
    // Losses drift apart slowly through float rounding in 10 optimizer steps: 1e-4 relative.
    INFO("step " << step);
    CHECK(loss.item() == doctest::Approx(losses[step].get<double>()).epsilon(1e-4));
    opt.step();
  }
  for (const std::string name : golden["names"])
    expect_match(net.t[name], npy_load(dir + "final." + name + ".npy"), {1e-4, 1e-4}, name + " after 10 steps");
  autograd::NoGrad off;
  expect_match(net.forward(x, false), npy_load(dir + "eval_logits.npy"), {1e-4, 1e-4}, "eval-mode logits after training");
}
