// Op cases: matrix products. See op_cases.h for what a case is.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

void add_matmul_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };
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

}

}  // namespace thorax::testing
