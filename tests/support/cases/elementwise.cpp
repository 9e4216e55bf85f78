// Op cases: broadcasting arithmetic and unary functions. See op_cases.h for what a case is.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

void add_elementwise_cases(std::vector<OpCase>& t) {
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

}

}  // namespace thorax::testing
