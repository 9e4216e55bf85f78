// The layers the seed models add (CBAM, the FPN top-down merge, additive attention pooling, the prototype memory):
// gradients of each block through its real forward against central finite differences in float64 (the block's
// weights swapped for float64 copies), and the properties that define each one.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/ops.h"
#include "nn/attention_pool.h"
#include "nn/cbam.h"
#include "nn/fpn.h"
#include "nn/memory_bank.h"
#include "tests/nn/block_gradcheck.h"

using namespace thorax;

using testing::check_block;
using testing::randomize_parameters;

TEST_CASE("CBAM: channel then spatial gates; gradients match finite differences") {
  nn::CBAM cbam(4, 2, 3);
  randomize_parameters(cbam, 1);
  Generator gen(2);
  const Tensor x = randn({2, 4, 5, 5}, DType::f64, &gen);
  auto r = check_block({&cbam.channel->fc1->weight, &cbam.channel->fc1->bias, &cbam.channel->fc2->weight,
                        &cbam.channel->fc2->bias, &cbam.spatial->conv->weight, &cbam.spatial->conv->bias},
                       {x}, [&](const std::vector<Tensor>& in) { return cbam(in[0]); });
  INFO(r.detail);
  CHECK(r.ok);

  // The gates lie in (0, 1) and are applied multiplicatively: |y| ≤ |x| everywhere, with the same sign.
  autograd::NoGrad no_grad;
  const Tensor y = cbam(x);
  const std::vector<double> xs = x.to_vector(), ys = y.to_vector();
  bool bounded = true;
  for (size_t i = 0; i < xs.size(); ++i) bounded = bounded && std::abs(ys[i]) < std::abs(xs[i]) && ys[i] * xs[i] >= 0;
  CHECK(bounded);
  CHECK_THROWS_WITH_AS(nn::SpatialAttention(4), doctest::Contains("must be odd"), std::invalid_argument);
}

TEST_CASE("FPN: the top-down merge upsamples by nearest neighbour; the pyramid's gradients match finite differences") {
  // A 3×3 coarser map onto a 5×5 lateral: output row i copies coarser row floor(i·3/5).
  std::vector<double> c(9);
  for (int i = 0; i < 9; ++i) c[i] = i;
  const Tensor merged =
      nn::top_down_merge(Tensor::ones({1, 1, 5, 5}, DType::f64), Tensor::from_vector(c, {1, 1, 3, 3}));
  const std::vector<double> m = merged.to_vector();
  const int src[5] = {0, 0, 1, 1, 2};
  bool nearest = true;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) nearest = nearest && m[i * 5 + j] == 1.0 + c[src[i] * 3 + src[j]];
  CHECK(nearest);

  nn::FeaturePyramid fpn({3, 5, 2}, 4);
  randomize_parameters(fpn, 3);
  Generator gen(4);
  std::vector<Tensor*> fields;
  for (auto* blocks : {fpn.inner_blocks.get(), fpn.layer_blocks.get()})
    for (size_t k = 0; k < blocks->size(); ++k) {
      auto& conv = dynamic_cast<nn::Conv2d&>((*blocks)[k]);
      fields.push_back(&conv.weight);
      fields.push_back(&conv.bias);
    }
  auto r = check_block(fields,
                       {randn({1, 3, 6, 5}, DType::f64, &gen), randn({1, 5, 3, 3}, DType::f64, &gen),
                        randn({1, 2, 2, 2}, DType::f64, &gen)},
                       [&](const std::vector<Tensor>& in) {
                         std::vector<Tensor> flat;
                         for (const Tensor& p : fpn.forward_levels(in)) flat.push_back(flatten(p));
                         return cat(flat, 0);
                       });
  INFO(r.detail);
  CHECK(r.ok);
  CHECK_THROWS_WITH_AS(fpn.forward_levels({Tensor::zeros({1, 3, 4, 4})}), doctest::Contains("got 1 levels"),
                       std::invalid_argument);
}

TEST_CASE("attention pooling: weights sum to one, a constant score is the mean, gradients match finite differences") {
  nn::AttentionPool pool(3, 4);
  randomize_parameters(pool, 5);
  Generator gen(6);
  const Tensor x = randn({2, 5, 3}, DType::f64, &gen);
  auto r = check_block({&pool.proj->weight, &pool.proj->bias, &pool.score->weight}, {x},
                       [&](const std::vector<Tensor>& in) { return pool(in[0]); });
  INFO(r.detail);
  CHECK(r.ok);

  autograd::NoGrad no_grad;
  const std::vector<double> w = pool.weights(x).to_vector();
  for (int n = 0; n < 2; ++n) {
    double s = 0;
    for (int t = 0; t < 5; ++t) s += w[n * 5 + t];
    CHECK(s == doctest::Approx(1.0).epsilon(1e-12));
  }
  pool.score->weight = Tensor::zeros({1, 4}, DType::f64);
  const std::vector<double> got = pool(x).to_vector(), want = mean(x, {1}).to_vector();
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-12));
  CHECK_THROWS_WITH_AS(pool(Tensor::zeros({2, 3})), doctest::Contains("takes a sequence (N, T, 3)"),
                       std::invalid_argument);
}

TEST_CASE("prototype memory: the momentum update rule, and the attention read's gradients") {
  nn::PrototypeMemory memory(3, 2, 2, 0.75);
  CHECK(memory.filled_slots() == 0);
  // Nothing stored yet: the read is zero.
  CHECK(sum(abs(memory(Tensor::ones({2, 2})))).item() == 0.0);

  // Slot 0: two positives (mean [2, 4]); slot 1: none; slot 2: one ([5, 6]).
  const Tensor f = Tensor::from_vector(std::vector<float>{1, 2, 3, 6, 5, 6}, {3, 2});
  const Tensor pos = Tensor::from_vector(std::vector<float>{1, 0, 0, 1, 0, 0, 0, 0, 1}, {3, 3});
  memory.update(f, pos);
  CHECK(memory.prototypes.to_vector() == std::vector<double>{2, 4, 0, 0, 5, 6});
  CHECK(memory.filled.to_vector() == std::vector<double>{1, 0, 1});
  // Second batch: slot 0 moves a quarter of the way to the new mean [6, 0]; slot 1 is filled outright.
  memory.update(Tensor::from_vector(std::vector<float>{6, 0, 7, 8}, {2, 2}),
                Tensor::from_vector(std::vector<float>{1, 0, 0, 0, 1, 0}, {2, 3}));
  CHECK(memory.prototypes.to_vector() == std::vector<double>{3, 3, 7, 8, 5, 6});
  CHECK(memory.filled_slots() == 3);
  CHECK_THROWS_WITH_AS(memory.update(f, Tensor::zeros({3, 2})), doctest::Contains("positives (N, 3)"),
                       std::invalid_argument);

  // One filled slot: every query reads exactly that prototype.
  nn::PrototypeMemory single(2, 2, 2);
  single.update(f, Tensor::from_vector(std::vector<float>{0, 1, 0, 0, 0, 0}, {3, 2}));
  randomize_parameters(single, 7);
  CHECK(single(randn({4, 2})).to_vector() == std::vector<double>{1, 2, 1, 2, 1, 2, 1, 2});

  // The read with one empty slot masked out, against finite differences in queries, projections and prototypes.
  nn::PrototypeMemory m(3, 4, 2);
  Generator gen(8);
  m.update(randn({3, 4}, DType::f32, &gen), Tensor::from_vector(std::vector<float>{1, 0, 0, 0, 0, 0, 0, 0, 1}, {3, 3}));
  randomize_parameters(m, 9);
  auto r = check_block({&m.query->weight, &m.key->weight, &m.prototypes}, {randn({2, 4}, DType::f64, &gen)},
                       [&](const std::vector<Tensor>& in) { return m(in[0]); });
  INFO(r.detail);
  CHECK(r.ok);
  // The empty slot receives no weight: its prototype does not change the read.
  autograd::NoGrad no_grad;
  const Tensor q = randn({2, 4}, DType::f64, &gen);
  const std::vector<double> before = m(q).to_vector();
  m.prototypes = m.prototypes.clone();
  narrow(m.prototypes, 0, 1, 1).fill(100.0);
  CHECK(m(q).to_vector() == before);
}
