// The per-op timing hook (autograd/profile.h) behind `thorax bench model --profile`: which ops it charges,
// how often, and that it times only its own thread and only while it lives.
#include <doctest/doctest.h>

#include <thread>

#include "autograd/ops.h"
#include "autograd/profile.h"
#include "tests/bench/helpers.h"

using namespace thorax;
using bench_test::find_op;

TEST_CASE("OpProfile counts every recorded op forward and every node backward, per name") {
  Tensor w = randn({16, 8}).set_requires_grad(true);
  Tensor x = randn({4, 8});
  autograd::OpProfile profile;
  profile.mark();
  Tensor h = relu(linear(x, w));
  Tensor loss = sum(relu(h) * 2.0);
  autograd::backward(loss);
  const auto rows = profile.totals();
  const autograd::OpTime* r = find_op(rows, "relu");
  REQUIRE(r != nullptr);
  CHECK(r->forward_calls == 2);
  CHECK(r->backward_calls == 2);
  const autograd::OpTime* acc = find_op(rows, "AccumulateGrad");
  REQUIRE(acc != nullptr);
  CHECK(acc->forward_calls == 0);
  CHECK(acc->backward_calls == 1);  // one leaf: w
  REQUIRE(find_op(rows, autograd::OpProfile::kEngineName) != nullptr);
  CHECK(find_op(rows, autograd::OpProfile::kEngineName)->backward_calls == 1);  // one backward() call
  for (const auto& row : rows) {
    CHECK(row.forward_seconds >= 0);
    CHECK(row.backward_seconds >= 0);
  }
  for (size_t i = 1; i < rows.size(); ++i)  // largest total first
    CHECK(rows[i - 1].forward_seconds + rows[i - 1].backward_seconds >= rows[i].forward_seconds + rows[i].backward_seconds);
}

TEST_CASE("OpProfile times only while it lives, only on its thread, and restores an outer profile") {
  Tensor w = randn({3, 3}).set_requires_grad(true);
  autograd::OpProfile outer;
  {
    autograd::OpProfile inner;
    CHECK(autograd::OpProfile::active() == &inner);
    Tensor y = relu(w);
    CHECK(find_op(inner.totals(), "relu")->forward_calls == 1);
    std::thread other([&] {
      CHECK(autograd::OpProfile::active() == nullptr);
      relu(w);
    });
    other.join();
    CHECK(find_op(inner.totals(), "relu")->forward_calls == 1);
  }
  CHECK(autograd::OpProfile::active() == &outer);
  CHECK(find_op(outer.totals(), "relu") == nullptr);  // the inner one was charged while it lived
  Tensor z = relu(w);
  CHECK(find_op(outer.totals(), "relu")->forward_calls == 1);
  {
    autograd::NoGrad no_grad;  // nothing records, so nothing is charged
    relu(w);
  }
  CHECK(find_op(outer.totals(), "relu")->forward_calls == 1);
}
