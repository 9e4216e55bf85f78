// Every version of the dropout kernel against the reference (the mask must match exactly: it is a pure
// function of seed and counter), then the public op's statistics, scaling, eval mode and determinism.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/dropout.h"
#include "autograd/engine.h"
#include "kernels/dropout.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("dropout kernels: every version draws the reference's mask and applies it") {
  const auto& op = dropout_op();
  // Sizes: one element, not a multiple of 4 (a partial Philox block), above the parallel threshold.
  const int64_t sizes[] = {1, 3, 7, 33, 100001};
  for (const auto& v : op.versions) {
    for (int64_t n : sizes)
      for (double p : {0.0, 0.3, 0.9, 1.0}) {
        const DropoutParams dp{p, 1234567ull, 99};
        auto x = random_floats(n, 700 + static_cast<uint64_t>(n));
        std::vector<float> y_ref(n), y(n), m_ref(n), m(n), out_ref(n), out(n);
        op.reference().fn.forward(x.data(), y_ref.data(), m_ref.data(), n, dp);
        v.fn.forward(x.data(), y.data(), m.data(), n, dp);
        op.reference().fn.apply(m_ref.data(), x.data(), out_ref.data(), n, p);
        v.fn.apply(m_ref.data(), x.data(), out.data(), n, p);
        const std::string what = op.name + "/" + v.name + " n=" + std::to_string(n) + " p=" + std::to_string(p);
        INFO(what);
        CHECK(m == m_ref);
        expect_close(y, y_ref, {1e-6, 1e-6}, what + " forward");
        expect_close(out, out_ref, {1e-6, 1e-6}, what + " apply");
        expect_close(out, y_ref, {1e-6, 1e-6}, what + " apply equals the forward");
      }
    passed(op, v);
  }
}

TEST_CASE("dropout: keeps about 1-p of the elements, scaled by 1/(1-p)") {
  const int64_t n = 200000;
  Tensor x = Tensor::ones({n});
  for (double p : {0.1, 0.5, 0.8}) {
    Generator g(7);
    auto y = dropout(x, p, true, &g).to_vector();
    const float scaled = static_cast<float>(1.0 / (1.0 - p));
    int64_t kept = 0, other = 0;
    for (double v : y) kept += v == scaled, other += v != scaled && v != 0.0;
    CHECK(other == 0);
    // The kept fraction is binomial: sd = sqrt(p(1-p)/n) <= 0.0012, so 0.01 is over 8 sd.
    INFO("p = " << p << ", kept " << kept << " of " << n);
    CHECK(std::abs(static_cast<double>(kept) / n - (1.0 - p)) < 0.01);
  }
}

TEST_CASE("dropout: eval mode is the identity; p = 1 drops everything; p outside [0, 1] is an error") {
  Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2});
  CHECK(dropout(x, 0.5, false).same(x));
  for (double v : dropout(x, 1.0).to_vector()) CHECK(v == 0.0);
  CHECK_THROWS_WITH_AS(dropout(x, 1.5), doctest::Contains("must be in [0, 1]"), std::invalid_argument);
}

TEST_CASE("dropout: the same generator state gives the same mask, for float32 and float64, as rand() > p") {
  Tensor x = Tensor::ones({3, 37});
  Generator a(11), b(11);
  auto ya = dropout(x, 0.4, true, &a).to_vector(), yb = dropout(x, 0.4, true, &b).to_vector();
  CHECK(ya == yb);
  CHECK(dropout(x, 0.4, true, &a).to_vector() != ya);  // the generator moved on: a new mask
  Generator c(11);
  auto y64 = dropout(x.to(DType::f64), 0.4, true, &c).to_vector();
  Generator d(11);
  auto u = rand({3, 37}, DType::f64, &d).to_vector();
  for (size_t i = 0; i < ya.size(); ++i) {
    CHECK((ya[i] != 0) == (y64[i] != 0));
    CHECK((ya[i] != 0) == (u[i] > 0.4));
  }
  // The default generator is used when none is given, and manual_seed makes it repeatable.
  manual_seed(5);
  auto d1 = dropout(x, 0.4).to_vector();
  manual_seed(5);
  CHECK(dropout(x, 0.4).to_vector() == d1);
}

TEST_CASE("dropout: the gradient is the mask scaled by 1/(1-p)") {
  Tensor x = Tensor::ones({50});
  x.set_requires_grad(true);
  Generator g(3);
  Tensor y = dropout(x, 0.25, true, &g);
  autograd::backward(y, Tensor::ones({50}));
  auto gx = x.grad().to_vector(), yv = y.to_vector();
  for (size_t i = 0; i < gx.size(); ++i) CHECK(gx[i] == doctest::Approx(yv[i]));  // x = 1: y is the scaled mask
}
