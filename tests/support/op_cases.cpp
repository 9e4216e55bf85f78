#include "tests/support/op_cases.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/ops.h"
#include "tests/support/cases/cases.h"
#include "tensor/rng.h"

namespace thorax::testing {

using json = nlohmann::json;

namespace {

std::vector<OpCase> build() {
  std::vector<OpCase> t;
  add_elementwise_cases(t);
  add_reduce_cases(t);
  add_matmul_cases(t);
  add_view_cases(t);
  add_conv_cases(t);
  add_norm_cases(t);
  add_sequence_cases(t);
  add_loss_cases(t);
  return t;
}

}  // namespace

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = build();
  return cases;
}

Tensor lay_out(const Tensor& values, const InputSpec& spec) {
  Tensor t;
  if (spec.noncontig && values.dim() >= 2) {
    // Store the transpose densely, then view it back: same values, column-major last two dims.
    Tensor dense_t = transpose(values.detach(), -1, -2).contiguous();
    t = transpose(dense_t, -1, -2).detach();
  } else {
    t = values.contiguous().clone();
  }
  if (spec.grad) t.set_requires_grad(true);
  return t;
}

std::vector<Tensor> make_inputs(const OpCase& c, DType dtype, uint64_t seed) {
  Generator g(seed);
  std::vector<Tensor> out;
  for (const InputSpec& s : c.inputs) {
    Tensor v = Tensor::empty(s.shape, DType::f64);
    double* p = v.data<double>();
    const int64_t n = v.numel();
    if (s.domain == "positive") {
      g.uniform_(v, 0.5, 2.0);
    } else if (s.domain == "unit") {
      g.uniform_(v, 0.0, 1.0);
    } else if (s.domain == "binary" || s.domain.rfind("classes:", 0) == 0) {
      const double classes = s.domain == "binary" ? 2.0 : std::stod(s.domain.substr(8));
      g.uniform_(v, 0.0, classes);
      for (int64_t i = 0; i < n; ++i) p[i] = std::min(std::floor(p[i]), classes - 1);
    } else if (s.domain == "distinct" || s.domain == "ties") {
      Tensor u = Tensor::empty({n}, DType::f64);
      g.uniform_(u);
      std::vector<int64_t> order(static_cast<size_t>(n));
      std::iota(order.begin(), order.end(), 0);
      const double* r = u.data<double>();
      std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return r[a] < r[b]; });
      for (int64_t i = 0; i < n; ++i) {
        double lin = n > 1 ? -2.0 + 4.0 * static_cast<double>(i) / static_cast<double>(n - 1) : 0.0;
        p[order[i]] = s.domain == "ties" ? std::round(lin / 2.0) : lin;
      }
    } else {
      g.normal_(v, 0.0, s.scale);
    }
    for (double k : s.avoid)
      for (int64_t i = 0; i < n; ++i)
        if (std::abs(p[i] - k) < 0.05) p[i] = k + (p[i] >= k ? 0.05 : -0.05);
    out.push_back(lay_out(v.to(dtype), s));
  }
  return out;
}

json op_cases_json() {
  json all = json::array();
  for (const OpCase& c : op_cases()) {
    json inputs = json::array();
    for (const InputSpec& s : c.inputs)
      inputs.push_back({{"shape", s.shape}, {"domain", s.domain}, {"scale", s.scale}, {"avoid", s.avoid}, {"grad", s.grad}});
    all.push_back({{"id", c.id}, {"op", c.op}, {"inputs", inputs}, {"params", c.params}});
  }
  return all;
}

}  // namespace thorax::testing
