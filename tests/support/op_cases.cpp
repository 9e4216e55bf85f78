#include "tests/support/op_cases.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/ops.h"
#include "tensor/rng.h"

namespace thorax::testing {

using json = nlohmann::json;
using Inputs = std::vector<Tensor>;

namespace {

InputSpec in(Shape s, std::string domain = "normal") { return {std::move(s), std::move(domain)}; }
InputSpec kinked(Shape s, std::vector<double> avoid, double scale = 1.0) {
  InputSpec i{std::move(s), "normal"};
  i.avoid = std::move(avoid);
  i.scale = scale;
  return i;
}
InputSpec noncontig(InputSpec s) {
  s.noncontig = true;
  return s;
}

std::vector<OpCase> build() {
  std::vector<OpCase> t;
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };

  // ---- binary, with broadcasting and non-contiguous operands
  struct Bin {
    const char* op;
    Tensor (*f)(const Tensor&, const Tensor&);
    const char* domain_b;
  };
  for (Bin b : {Bin{"add", add, "normal"}, Bin{"sub", sub, "normal"}, Bin{"mul", mul, "normal"},
                Bin{"div", div, "positive"}, Bin{"pow", pow, "normal"}}) {
    std::string da = std::string(b.op) == "pow" ? "positive" : "normal";
    auto f = b.f;
    add_case({std::string(b.op) + "/same", b.op, {in({3, 5}, da), in({3, 5}, b.domain_b)}, {}, [f](const Inputs& x) { return f(x[0], x[1]); }});
    add_case({std::string(b.op) + "/broadcast", b.op, {in({4, 1, 6}, da), in({5, 1}, b.domain_b)}, {}, [f](const Inputs& x) { return f(x[0], x[1]); }});
    add_case({std::string(b.op) + "/scalar", b.op, {in({2, 3}, da), in({}, b.domain_b)}, {}, [f](const Inputs& x) { return f(x[0], x[1]); }});
    add_case({std::string(b.op) + "/noncontig", b.op, {noncontig(in({3, 4}, da)), in({4}, b.domain_b)}, {}, [f](const Inputs& x) { return f(x[0], x[1]); }});
  }

  // ---- unary
  struct Un {
    const char* op;
    Tensor (*f)(const Tensor&);
    InputSpec spec;
  };
  for (const Un& u : {Un{"exp", exp, in({4, 7})}, Un{"log", log, in({4, 7}, "positive")},
                      Un{"sqrt", sqrt, in({4, 7}, "positive")}, Un{"rsqrt", rsqrt, in({4, 7}, "positive")},
                      Un{"abs", abs, kinked({4, 7}, {0})}, Un{"neg", neg, in({4, 7})},
                      Un{"relu", relu, kinked({4, 7}, {0})}, Un{"relu6", relu6, kinked({5, 9}, {0, 6}, 4.0)},
                      Un{"sigmoid", sigmoid, in({4, 7}, "normal")}, Un{"tanh", tanh, in({4, 7})},
                      Un{"silu", silu, in({4, 7})}, Un{"gelu", gelu, in({4, 7})},
                      Un{"hardswish", hardswish, kinked({5, 9}, {-3, 3}, 3.0)}}) {
    auto f = u.f;
    add_case({std::string(u.op) + "/dense", u.op, {u.spec}, {}, [f](const Inputs& x) { return f(x[0]); }});
    InputSpec nc = u.spec;
    nc.noncontig = true;
    nc.shape = {3, 5};
    add_case({std::string(u.op) + "/noncontig", u.op, {nc}, {}, [f](const Inputs& x) { return f(x[0]); }});
  }
  add_case({"clamp/both", "clamp", {kinked({4, 9}, {-0.5, 0.8})}, {{"lo", -0.5}, {"hi", 0.8}},
            [](const Inputs& x) { return clamp(x[0], -0.5, 0.8); }});
  add_case({"leaky_relu/slope", "leaky_relu", {kinked({4, 9}, {0})}, {{"slope", 0.1}},
            [](const Inputs& x) { return leaky_relu(x[0], 0.1); }});
  add_case({"pow_scalar/cube", "pow_scalar", {in({3, 4}, "positive")}, {{"exponent", 3.0}},
            [](const Inputs& x) { return pow(x[0], 3.0); }});
  add_case({"pow_scalar/root", "pow_scalar", {in({3, 4}, "positive")}, {{"exponent", -0.5}},
            [](const Inputs& x) { return pow(x[0], -0.5); }});

  // ---- reductions: all dims, one dim, adjacent dims, non-adjacent dims, keepdim
  struct Red {
    const char* op;
    const char* domain;
  };
  for (Red r : {Red{"sum", "normal"}, Red{"mean", "normal"}, Red{"max", "distinct"}, Red{"min", "distinct"},
                Red{"var", "normal"}}) {
    std::string op = r.op;
    auto call = [op](const Tensor& x, const Dims& d, bool keep) {
      if (op == "sum") return sum(x, d, keep);
      if (op == "mean") return mean(x, d, keep);
      if (op == "max") return max(x, d, keep);
      if (op == "min") return min(x, d, keep);
      return var(x, d, 1, keep);
    };
    struct V {
      const char* name;
      Dims dims;
      bool keep;
    };
    for (const V& v : {V{"all", {}, false}, V{"last", {-1}, false}, V{"middle_keep", {1}, true},
                       V{"adjacent", {1, 2}, false}, V{"nonadjacent", {0, 2}, true}}) {
      Dims d = v.dims;
      bool keep = v.keep;
      add_case({op + "/" + v.name, op, {in({3, 4, 5}, r.domain)}, {{"dims", d}, {"keepdim", keep}},
                [call, d, keep](const Inputs& x) { return call(x[0], d, keep); }});
    }
    add_case({op + "/noncontig", op, {noncontig(in({4, 6}, r.domain))}, {{"dims", Dims{0}}, {"keepdim", false}},
              [call](const Inputs& x) { return call(x[0], {0}, false); }});
  }
  for (const char* op : {"max", "min"}) {
    std::string o = op;
    OpCase c{o + "/ties", o, {in({4, 6}, "ties")}, {{"dims", Dims{1}}, {"keepdim", false}},
             [o](const Inputs& x) { return o == "max" ? max(x[0], {1}) : min(x[0], {1}); }};
    c.gradcheck = false;  // not differentiable at ties; PyTorch's even split is what is compared
    add_case(c);
  }

  // ---- products
  add_case({"matmul/2d", "matmul", {in({5, 3}), in({3, 4})}, {}, [](const Inputs& x) { return matmul(x[0], x[1]); }});
  add_case({"matmul/vec_mat", "matmul", {in({3}), in({3, 4})}, {}, [](const Inputs& x) { return matmul(x[0], x[1]); }});
  add_case({"matmul/mat_vec", "matmul", {in({5, 3}), in({3})}, {}, [](const Inputs& x) { return matmul(x[0], x[1]); }});
  add_case({"matmul/batch_broadcast", "matmul", {in({2, 1, 4, 3}), in({3, 3, 5})}, {},
            [](const Inputs& x) { return matmul(x[0], x[1]); }});
  add_case({"matmul/transposed", "matmul", {noncontig(in({4, 3})), noncontig(in({3, 6}))}, {},
            [](const Inputs& x) { return matmul(x[0], x[1]); }});
  add_case({"bmm/basic", "bmm", {in({3, 4, 5}), in({3, 5, 2})}, {}, [](const Inputs& x) { return bmm(x[0], x[1]); }});
  add_case({"linear/bias", "linear", {in({6, 5}), in({4, 5}), in({4})}, {},
            [](const Inputs& x) { return linear(x[0], x[1], x[2]); }});
  add_case({"linear/nobias_3d", "linear", {in({2, 3, 5}), in({4, 5})}, {},
            [](const Inputs& x) { return linear(x[0], x[1]); }});

  // ---- views (composed with a mul so the gradient is not trivially the incoming one)
  add_case({"reshape/infer", "reshape", {in({3, 4})}, {{"shape", Shape{2, -1}}},
            [](const Inputs& x) { return reshape(x[0], {2, -1}); }});
  add_case({"reshape/noncontig", "reshape", {noncontig(in({3, 4}))}, {{"shape", Shape{12}}},
            [](const Inputs& x) { return reshape(x[0], {12}); }});
  add_case({"permute/3d", "permute", {in({2, 3, 4})}, {{"dims", Dims{2, 0, 1}}},
            [](const Inputs& x) { return permute(x[0], {2, 0, 1}); }});
  add_case({"transpose/3d", "transpose", {in({2, 3, 4})}, {{"dim0", 0}, {"dim1", 2}},
            [](const Inputs& x) { return transpose(x[0], 0, 2); }});
  add_case({"narrow/middle", "narrow", {in({4, 6})}, {{"dim", 1}, {"start", 2}, {"length", 3}},
            [](const Inputs& x) { return narrow(x[0], 1, 2, 3); }});
  add_case({"expand/new_and_stretched", "expand", {in({3, 1})}, {{"shape", Shape{2, 3, 4}}},
            [](const Inputs& x) { return expand(x[0], {2, 3, 4}); }});
  add_case({"squeeze/dim", "squeeze", {in({3, 1, 4})}, {{"dim", 1}}, [](const Inputs& x) { return squeeze(x[0], 1); }});
  add_case({"unsqueeze/dim", "unsqueeze", {in({3, 4})}, {{"dim", -1}}, [](const Inputs& x) { return unsqueeze(x[0], -1); }});
  add_case({"flatten/middle", "flatten", {in({2, 3, 4, 5})}, {{"start", 1}, {"end", 2}},
            [](const Inputs& x) { return flatten(x[0], 1, 2); }});
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
