#include "tests/support/check.h"

#include <cmath>
#include <sstream>

namespace thorax::testing {

Comparison compare(const Tensor& got, const Tensor& ref, Tolerance tol) {
  Comparison c;
  if (got.shape() != ref.shape()) {
    c.ok = false;
    c.detail = "shape " + shape_str(got.shape()) + " vs reference " + shape_str(ref.shape());
    return c;
  }
  std::vector<double> a = got.to_vector(), b = ref.to_vector();
  for (double v : b) c.max_abs_ref = std::max(c.max_abs_ref, std::abs(v));
  const double bound = tol.atol + tol.rtol * c.max_abs_ref;
  size_t worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double e = std::abs(a[i] - b[i]);
    if (std::isnan(a[i]) != std::isnan(b[i])) e = INFINITY;
    if (std::isnan(a[i]) && std::isnan(b[i])) e = 0;
    if (e > c.max_abs_error) c.max_abs_error = e, worst = i;
  }
  c.ok = c.max_abs_error <= bound;
  if (!c.ok) {
    std::ostringstream ss;
    ss << "max |error| " << c.max_abs_error << " > bound " << bound << " at element " << worst << " (got "
       << a[worst] << ", reference " << b[worst] << ")";
    c.detail = ss.str();
  }
  return c;
}

}  // namespace thorax::testing
