#include "tests/support/kernel_check.h"

namespace thorax::testing {

std::vector<float> random_floats(int64_t n, uint64_t seed, float lo, float hi) {
  Generator g(seed);
  Tensor t = Tensor::empty({n}, DType::f32);
  if (lo < hi) g.uniform_(t, lo, hi);
  else g.normal_(t);
  const float* p = t.data<float>();
  return std::vector<float>(p, p + n);
}

void expect_close(const std::vector<float>& got, const std::vector<float>& ref, Tolerance tol,
                  const std::string& what) {
  Tensor a = Tensor::from_vector(got, {static_cast<int64_t>(got.size())});
  Tensor b = Tensor::from_vector(ref, {static_cast<int64_t>(ref.size())});
  Comparison c = compare(a, b, tol);
  INFO(what << ": " << c.detail);
  CHECK(c.ok);
}

}  // namespace thorax::testing
