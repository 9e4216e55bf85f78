// The tape and engine: accumulation, no_grad, detach, captures, freeing, errors.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/ops.h"
#include "tensor/rng.h"

using namespace thorax;
using namespace thorax::autograd;

static Tensor vec(std::vector<float> v) { return Tensor::from_vector(v, {static_cast<int64_t>(v.size())}); }

TEST_CASE("backward accumulates into leaves used twice and across calls") {
  Tensor x = vec({1, 2, 3}).set_requires_grad(true);
  Tensor y = sum(mul(x, x));  // d/dx = 2x, through two uses of x
  backward(y);
  CHECK(x.grad().to_vector() == std::vector<double>{2, 4, 6});
  backward(sum(x * 3.0));  // a second backward accumulates (leaf.grad += ...)
  CHECK(x.grad().to_vector() == std::vector<double>{5, 7, 9});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("no_grad records nothing; detach cuts history but shares data") {
  Tensor x = vec({1, 2}).set_requires_grad(true);
  {
    NoGrad off;
    Tensor y = x * 2.0;
    CHECK_FALSE(y.requires_grad());
  }
  Tensor d = (x * 2.0).detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.to_vector() == std::vector<double>{2, 4});
  CHECK_THROWS_WITH(backward(sum(d)), "backward() on a tensor that does not require grad (nothing recorded it)");
}

TEST_CASE("capture returns an intermediate's value and gradient, and holds nothing once dropped") {
  Tensor x = vec({1, -2, 3}).set_requires_grad(true);
  Tensor h = relu(x);
  Capture cap = capture(h);
  Tensor loss = sum(h * h);
  backward(loss);
  CHECK(cap.value().to_vector() == std::vector<double>{1, 0, 3});
  CHECK(cap.grad().to_vector() == std::vector<double>{2, 0, 6});  // d(sum h²)/dh = 2h
  std::weak_ptr<Node> node = h.grad_fn();
  CHECK(node.lock()->captures[0].lock() != nullptr);
  cap = Capture();
  CHECK(node.lock()->captures[0].lock() == nullptr);  // only a weak reference remained
  CHECK_THROWS(capture(x));                           // leaves are read with grad()
}

TEST_CASE("the graph is freed after backward; retain_graph keeps it") {
  Tensor x = vec({1, 2}).set_requires_grad(true);
  Tensor y = sum(exp(x));
  backward(y, Tensor(), /*retain_graph=*/true);
  backward(y);  // still possible once
  CHECK(x.grad().to_vector()[0] == doctest::Approx(2 * std::exp(1.0)));
  CHECK_THROWS_WITH(backward(y), doctest::Contains("a second time"));
  std::weak_ptr<Node> node;
  {
    Tensor z = sum(x * x);
    node = z.grad_fn();
    backward(z);
  }
  CHECK(node.expired());  // no cycles: outputs, nodes and saved tensors are gone with the output
}

TEST_CASE("outputs without a gradient get zeros; errors are sentences") {
  Tensor x = vec({1, 2, 3, 4}).set_requires_grad(true);
  Tensor a = narrow(x, 0, 0, 2);
  backward(sum(a));
  CHECK(x.grad().to_vector() == std::vector<double>{1, 1, 0, 0});
  CHECK_THROWS_WITH(backward(x * 2.0), doctest::Contains("one-element output"));
  CHECK_THROWS_WITH(add(x, vec({1, 2})), "shapes [4] and [2] cannot be broadcast together");
  CHECK_THROWS_WITH(add(x, Tensor::ones({4}, DType::f64)), "add: operands have different dtypes (float32, float64)");
  CHECK_THROWS_WITH(matmul(Tensor::ones({2, 3}), Tensor::ones({2, 3})),
                    "matmul: inner dimensions differ, [2, 3] @ [2, 3]");
  CHECK_THROWS_WITH(Tensor::ones({2}, DType::i64).set_requires_grad(true),
                    "only floating-point tensors can require gradients, not int64");
}

TEST_CASE("the README example runs and gives the gradient it promises") {
  // Kept identical to the snippet in README.md ("A few lines of thorax").
  Tensor w = randn({4, 3}).set_requires_grad(true);
  Tensor x = randn({8, 3});
  Tensor loss = mean(pow(relu(linear(x, w)), 2.0));
  autograd::backward(loss);  // w.grad() now holds d loss / d w
  REQUIRE(w.grad().defined());
  CHECK(w.grad().shape() == Shape{4, 3});
}
