// Every case of the op table: analytic gradients against central finite differences in float64.
#include <doctest/doctest.h>

#include "autograd/elementwise.h"
#include "autograd/gradcheck.h"
#include "tests/support/coverage.h"
#include "tests/support/op_cases.h"

using namespace thorax;
using namespace thorax::testing;

TEST_CASE("gradcheck: every differentiable op case against finite differences (float64)") {
  int checked = 0;
  for (const OpCase& c : op_cases()) {
    if (!c.gradcheck) continue;
    std::vector<Tensor> inputs = make_inputs(c, DType::f64, 1234);
    auto r = autograd::gradcheck(c.fn, inputs, 1e-6, 1e-6, 1e-5);
    INFO(c.id << ": " << r.detail << " (max error " << r.max_abs_error << ")");
    CHECK(r.ok);
    if (r.ok) record("grad", c.op);
    ++checked;
  }
  MESSAGE(checked << " op cases gradient-checked");
}

TEST_CASE("gradcheck catches a wrong backward") {
  // A deliberately wrong gradient: x * stop_gradient(x) has derivative x, not 2x.
  Tensor x = Tensor::from_vector(std::vector<double>{0.5, -1.5, 2.0}, {3});
  x.set_requires_grad(true);
  auto wrong = [](const std::vector<Tensor>& in) { return mul(in[0], in[0].detach()); };
  auto r = autograd::gradcheck(wrong, {x});
  CHECK_FALSE(r.ok);
}
