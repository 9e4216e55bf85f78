// Op cases: reductions. See op_cases.h for what a case is.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

void add_reduce_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };
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

}

}  // namespace thorax::testing
