// Layers no zoo model exercises, against PyTorch (tests/torch/refs_models.py: write_layers): each loads
// PyTorch's state_dict by name — LSTM's weight_ih_l0_reverse, attention's in_proj_weight and
// out_proj.weight — and reproduces PyTorch's output; Upsample has no weights (an empty file). Also the
// initializers' distributions.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

#include "autograd/ops.h"
#include "nn/conv2d.h"
#include "nn/init.h"
#include "nn/layer_norm.h"
#include "nn/lstm.h"
#include "nn/multihead_attention.h"
#include "nn/safetensors.h"
#include "nn/state_dict.h"
#include "nn/upsample.h"
#include "tensor/npy.h"
#include "tests/support/check.h"

using namespace thorax;
using namespace thorax::nn;

namespace {

std::string layer_dir(const std::string& name) {
  const char* refs = std::getenv("THORAX_TORCH_REFS");
  REQUIRE_MESSAGE(refs != nullptr, "THORAX_TORCH_REFS is not set (run through ctest)");
  return std::string(refs) + "/layers/" + name + "/";
}

void check_layer(Module& layer, const std::string& name) {
  const std::string dir = layer_dir(name);
  LoadReport r = load_state_dict(layer, safetensors_load(dir + "weights.safetensors").tensors, {}, name);
  CHECK(r.loaded.size() == layer.state_dict().size());
  autograd::NoGrad no_grad;
  layer.eval();
  testing::Comparison c = testing::compare(layer(npy_load(dir + "x.npy")), npy_load(dir + "y.npy"), {1e-6, 1e-5});
  INFO(name << ": " << c.detail);
  CHECK(c.ok);
}

double sample_std(const Tensor& t) {
  std::vector<double> v = t.to_vector();
  double m = 0, s = 0;
  for (double x : v) m += x / static_cast<double>(v.size());
  for (double x : v) s += (x - m) * (x - m) / static_cast<double>(v.size() - 1);
  return std::sqrt(s);
}

}  // namespace

TEST_CASE("LSTM (2 layers, bidirectional, batch first) loads PyTorch's weights and matches its output") {
  LSTM lstm({.input_size = 5, .hidden_size = 4, .num_layers = 2, .batch_first = true, .bidirectional = true});
  CHECK(lstm.named_parameters()[4].first == "weight_ih_l0_reverse");
  check_layer(lstm, "lstm");
}

TEST_CASE("MultiheadAttention loads PyTorch's in_proj/out_proj weights and matches its output") {
  MultiheadAttention mha(8, 2);
  check_layer(mha, "multihead_attention");
}

TEST_CASE("LayerNorm matches PyTorch") {
  LayerNorm ln({6});
  check_layer(ln, "layer_norm");
}

TEST_CASE("Upsample matches PyTorch, bilinear by scale and nearest by size") {
  Upsample2dOptions by_scale;
  by_scale.scale = {2.0, 2.0};
  Upsample bilinear(by_scale, UpsampleMode::bilinear);
  check_layer(bilinear, "upsample_bilinear");
  Upsample2dOptions by_size;
  by_size.size = {7, 4};
  Upsample nearest(by_size, UpsampleMode::nearest);
  check_layer(nearest, "upsample_nearest");
}

TEST_CASE("initializers draw PyTorch's distributions") {
  Generator gen(21);
  Conv2d conv({.in = 64, .out = 128, .kernel = {3, 3}});
  conv.reset_own_parameters(gen);  // kaiming_uniform(a = sqrt 5): U(±1/sqrt(fan_in)), bias likewise
  const double bound = 1.0 / std::sqrt(64.0 * 9.0);
  for (double w : conv.weight.to_vector()) CHECK(std::abs(w) <= bound);
  CHECK(sample_std(conv.weight) == doctest::Approx(bound / std::sqrt(3.0)).epsilon(0.02));
  for (double b : conv.bias.to_vector()) CHECK(std::abs(b) <= bound);

  init::kaiming_normal(conv.weight, init::FanMode::fan_out, init::gain("relu"), gen);
  CHECK(sample_std(conv.weight) == doctest::Approx(std::sqrt(2.0 / (128.0 * 9.0))).epsilon(0.02));

  Tensor t = Tensor::zeros({20000});
  init::trunc_normal(t, 0.0, 1.0, -0.5, 1.0, gen);
  double lo = 1, hi = -1;
  for (double v : t.to_vector()) lo = std::min(lo, v), hi = std::max(hi, v);
  CHECK(lo >= -0.5);
  CHECK(hi <= 1.0);
  CHECK(lo < -0.49);  // the whole interval is used
  CHECK(hi > 0.99);

  Tensor x = Tensor::zeros({256, 512});
  init::xavier_uniform(x, 1.0, gen);
  CHECK(sample_std(x) == doctest::Approx(std::sqrt(2.0 / (256.0 + 512.0))).epsilon(0.02));
  CHECK(init::gain("leaky_relu", std::sqrt(5.0)) == doctest::Approx(std::sqrt(1.0 / 3.0)));
}
