// Op cases: views. See op_cases.h for what a case is.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

void add_view_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };
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
}

}  // namespace thorax::testing
