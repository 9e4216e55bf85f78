// The Module tree: PyTorch's state_dict names and order, modes, freezing, parameter groups, loading
// with exact error reports, observers, and the layers' own behaviour (batch-norm statistics, dropout,
// stochastic depth, FLOP counts).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "autograd/ops.h"
#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/param_groups.h"
#include "nn/sequential.h"
#include "nn/sgd.h"
#include "nn/state_dict.h"
#include "nn/trace.h"
#include "tests/support/check.h"

using namespace thorax;
using namespace thorax::nn;

namespace {

// conv(3→4, 3×3, no bias), batch norm, ReLU, then a named head: {"fc": Linear(4→2), "fc2": Linear(2→2)}.
std::shared_ptr<Sequential> small_net() {
  auto net = std::make_shared<Sequential>();
  net->push_back(std::make_shared<Conv2d>(Conv2dConfig{.in = 3, .out = 4, .kernel = {3, 3}, .bias = false}));
  net->push_back(std::make_shared<BatchNorm2d>(4));
  net->push_back(make_activation(ActivationKind::relu));
  auto head = std::make_shared<Sequential>();
  head->add("fc", std::make_shared<Linear>(4, 2));
  head->add("fc2", std::make_shared<Linear>(2, 2));
  net->add("head", head);
  return net;
}

std::vector<std::string> names(const NamedTensors& v) {
  std::vector<std::string> out;
  for (const auto& [n, t] : v) out.push_back(n);
  return out;
}

bool throws_with(const std::function<void()>& f, const std::string& fragment) {
  try {
    f();
  } catch (const std::exception& e) {
    INFO("message: " << e.what());
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    return true;
  }
  return false;
}

}  // namespace

TEST_CASE("state_dict names and order are PyTorch's: own parameters, own buffers, then children") {
  auto net = small_net();
  std::vector<std::string> expected = {"0.weight",          "1.weight",        "1.bias",           "1.running_mean",
                                       "1.running_var",     "1.num_batches_tracked", "head.fc.weight", "head.fc.bias",
                                       "head.fc2.weight",   "head.fc2.bias"};
  CHECK(names(net->state_dict()) == expected);
  CHECK(names(net->named_parameters()) ==
        std::vector<std::string>{"0.weight", "1.weight", "1.bias", "head.fc.weight", "head.fc.bias", "head.fc2.weight",
                                 "head.fc2.bias"});
  CHECK(net->num_parameters() == 4 * 3 * 9 + 4 + 4 + 4 * 2 + 2 + 2 * 2 + 2);
  for (const auto& [name, p] : net->named_parameters()) CHECK(p.requires_grad());
  for (const auto& [name, b] : net->named_buffers()) CHECK(!b.requires_grad());
  CHECK(net->at("head.fc2").type_name() == "Linear");
  CHECK(throws_with([&] { net->at("head.fc3"); }, "'head' has no child 'fc3' (its children: fc, fc2)"));
}

TEST_CASE("train and eval reach every descendant") {
  auto net = small_net();
  CHECK(net->at("head.fc").training());
  net->eval();
  for (auto& [name, m] : net->named_modules()) CHECK(!m->training());
  net->train();
  for (auto& [name, m] : net->named_modules()) CHECK(m->training());
}

TEST_CASE("freezing by prefix follows name boundaries, and an unknown prefix is an error") {
  auto net = small_net();
  CHECK(net->freeze("head.fc") == 2);  // head.fc.weight, head.fc.bias; not head.fc2.*
  CHECK(!net->at("head.fc").own_parameters()[0].second.requires_grad());
  CHECK(net->at("head.fc2").own_parameters()[0].second.requires_grad());
  CHECK(throws_with([&] { net->freeze("head.f"); }, "no parameter has that name"));
  CHECK(net->unfreeze("") == 7);
  for (const auto& [name, p] : net->named_parameters()) CHECK(p.requires_grad());
}

TEST_CASE("parameter groups: first matching rule wins, frozen parameters are left out, typos are errors") {
  auto net = small_net();
  net->freeze("1");
  auto groups = param_groups(*net, {0.1, 1e-4}, {{"head.fc2", 1.0, 0.0}, {"head", 0.5, 0.0}});
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].params.size() == 1);  // 0.weight (the batch norm is frozen)
  CHECK(groups[0].lr == 0.1);
  CHECK(groups[0].weight_decay == 1e-4);
  CHECK(groups[1].params.size() == 2);  // head.fc2.*
  CHECK(groups[1].lr == 1.0);
  CHECK(groups[2].params.size() == 2);  // head.fc.*
  CHECK(throws_with([&] { param_groups(*net, {}, {{"haed", 1.0, 0.0}}); }, "'haed' matches no trainable parameter"));

  // The groups drive an optimizer: one SGD step moves each parameter by its own group's lr·grad.
  Generator gen(3);
  reset_parameters(*net, gen);
  Tensor w0 = net->at("head.fc2").own_parameters()[0].second.clone();
  Tensor c0 = net->at("0").own_parameters()[0].second.clone();
  Sgd sgd(param_groups(*net, {0.1, 0.0}, {{"head.fc2", 1.0, 0.0}}));
  Tensor x = randn({2, 3, 5, 5}, DType::f32, &gen);
  Tensor h = (*net)[2]((*net)[1]((*net)[0](x)));
  autograd::backward(sum(net->at("head")(flatten(adaptive_avg_pool2d(h, {1, 1}), 1))));
  Tensor w_grad = net->at("head.fc2").own_parameters()[0].second.grad().clone();
  Tensor c_grad = net->at("0").own_parameters()[0].second.grad().clone();
  sgd.step();
  auto moved = [](const Tensor& after, const Tensor& before, const Tensor& grad, double lr) {
    std::vector<double> a = after.to_vector(), b = before.to_vector(), g = grad.to_vector();
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - (b[i] - lr * g[i])));
    return worst;
  };
  CHECK(moved(net->at("head.fc2").own_parameters()[0].second, w0, w_grad, 1.0) < 1e-6);
  CHECK(moved(net->at("0").own_parameters()[0].second, c0, c_grad, 0.1) < 1e-6);
}

TEST_CASE("load_state_dict lists every missing, unexpected and mis-shaped key, and loads nothing then") {
  auto net = small_net();
  Generator gen(1);
  reset_parameters(*net, gen);
  NamedTensors state;
  for (const auto& [name, t] : net->state_dict())
    if (name != "head.fc2.bias" && name != "1.num_batches_tracked") state.emplace_back(name, t.clone());
  state.emplace_back("head.fc3.weight", Tensor::zeros({2, 2}));
  for (auto& [name, t] : state)
    if (name == "head.fc.weight") t = Tensor::zeros({3, 4});
  Tensor before = net->at("0").own_parameters()[0].second.clone();
  for (auto& [name, t] : state)
    if (name == "0.weight") t.fill(7.0);

  std::string message;
  try {
    load_state_dict(*net, state, {}, "w.safetensors");
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  INFO(message);
  CHECK(message.find("w.safetensors does not fit the model") != std::string::npos);
  CHECK(message.find("1 mis-shaped key: head.fc.weight: [3, 4] in the file, [2, 4] in the model") != std::string::npos);
  CHECK(message.find("1 missing key: head.fc2.bias") != std::string::npos);
  CHECK(message.find("1 unexpected key: head.fc3.weight") != std::string::npos);
  CHECK(message.find("num_batches_tracked") == std::string::npos);  // optional, never reported
  testing::Comparison unchanged = testing::compare(net->at("0").own_parameters()[0].second, before, {0, 0});
  CHECK(unchanged.ok);

  // Ignoring the head loads the rest, converting float64 to the model's float32.
  NamedTensors partial;
  for (const auto& [name, t] : state)
    if (name.rfind("head.", 0) != 0) partial.emplace_back(name, name == "0.weight" ? t.to(DType::f64) : t);
  LoadReport r = load_state_dict(*net, partial, {.strict = true, .ignore_prefixes = {"head"}});
  CHECK(r.loaded.size() == 5);
  CHECK(r.missing.empty());
  CHECK(net->at("0").own_parameters()[0].second.dtype() == DType::f32);
  CHECK(net->at("0").own_parameters()[0].second.to_vector()[0] == 7.0);

  // Non-strict: missing and unexpected are reported, shapes still enforced.
  NamedTensors extra = {{"0.weight", Tensor::zeros({4, 3, 3, 3})}, {"bogus", Tensor::zeros({1})}};
  LoadOptions lenient_options;
  lenient_options.strict = false;
  LoadReport lenient = load_state_dict(*net, extra, lenient_options);
  CHECK(lenient.unexpected == std::vector<std::string>{"bogus"});
  CHECK(lenient.missing.size() == 8);  // 10 state entries, 0.weight loaded, the counter optional
  CHECK(throws_with([&] { load_state_dict(*net, {{"0.weight", Tensor::zeros({4, 3, 3})}}, lenient_options); },
                    "mis-shaped"));
}

TEST_CASE("BatchNorm2d: training uses and tracks batch statistics, eval uses the running ones") {
  BatchNorm2d bn(3, {.momentum = 0.25});
  Generator gen(5);
  Tensor x = randn({4, 3, 2, 2}, DType::f32, &gen) * 2.0 + 1.0;
  autograd::NoGrad no_grad;
  Tensor y = bn(x);
  std::vector<double> v = x.to_vector(), batch_mean(3, 0), batch_var(3, 0);
  for (size_t i = 0; i < v.size(); ++i) batch_mean[(i / 4) % 3] += v[i] / 16.0;
  for (size_t i = 0; i < v.size(); ++i) batch_var[(i / 4) % 3] += std::pow(v[i] - batch_mean[(i / 4) % 3], 2) / 15.0;
  for (size_t c = 0; c < 3; ++c) {
    CHECK(bn.running_mean.to_vector()[c] == doctest::Approx(0.25 * batch_mean[c]).epsilon(1e-5));
    CHECK(bn.running_var.to_vector()[c] == doctest::Approx(0.75 + 0.25 * batch_var[c]).epsilon(1e-5));
  }
  CHECK(bn.num_batches_tracked.item() == 1.0);
  CHECK(std::abs(mean(y).item()) < 1e-5);
  bn.eval();
  Tensor running_before = bn.running_mean.clone();
  Tensor z = bn(x);
  CHECK(bn.num_batches_tracked.item() == 1.0);
  CHECK(testing::compare(bn.running_mean, running_before, {0, 0}).ok);
  // eval: (x − running_mean) / sqrt(running_var + eps) with weight 1, bias 0
  const double expect0 = (v[0] - bn.running_mean.to_vector()[0]) / std::sqrt(bn.running_var.to_vector()[0] + 1e-5);
  CHECK(z.to_vector()[0] == doctest::Approx(expect0).epsilon(1e-5));
}

TEST_CASE("Dropout and StochasticDepth: identity in eval, scaled Bernoulli masks in training") {
  Generator gen(9);
  Tensor x = Tensor::ones({400, 50});
  Dropout drop(0.3, &gen);
  drop.eval();
  CHECK(drop(x).same(x));
  drop.train();
  std::vector<double> y = drop(x).to_vector();
  double zeros = 0;
  for (double v : y) {
    CHECK((v == 0.0 || std::abs(v - 1.0 / 0.7) < 1e-6));
    zeros += v == 0.0;
  }
  CHECK(zeros / static_cast<double>(y.size()) == doctest::Approx(0.3).epsilon(0.05));

  StochasticDepth sd(0.5, &gen);
  std::vector<double> s = sd(Tensor::ones({400, 3, 2, 2})).to_vector();
  double dropped = 0;
  for (size_t n = 0; n < 400; ++n) {
    for (size_t i = 1; i < 12; ++i) CHECK(s[n * 12 + i] == s[n * 12]);  // whole samples, never parts
    CHECK((s[n * 12] == 0.0 || s[n * 12] == 2.0));
    dropped += s[n * 12] == 0.0;
  }
  CHECK(dropped / 400.0 == doctest::Approx(0.5).epsilon(0.15));
  sd.eval();
  Tensor ones = Tensor::ones({2, 2});
  CHECK(sd(ones).same(ones));
}

TEST_CASE("the tracer records every module call with its output shape, parameters and FLOPs") {
  auto net = small_net();
  net->eval();
  Tracer tracer(*net);
  {
    ObserverScope scope(*net, tracer);
    autograd::NoGrad no_grad;
    Tensor h = (*net)[0](Tensor::zeros({2, 3, 6, 6}));
    CHECK(h.shape() == Shape{2, 4, 4, 4});
  }
  REQUIRE(tracer.records().size() == 1);
  const LayerRecord& r = tracer.records()[0];
  CHECK(r.name == "0");
  CHECK(r.type == "Conv2d");
  CHECK(r.params == 4 * 3 * 9);
  CHECK(r.flops == 2 * (2 * 4 * 4 * 4) * (3 * 9));  // 2 · outputs · multiply-adds per output
  // The scope removed the observer: further calls are not recorded.
  (*net)[0](Tensor::zeros({1, 3, 3, 3}));
  CHECK(tracer.records().size() == 1);
}
