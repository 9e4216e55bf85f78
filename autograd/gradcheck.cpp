#include "autograd/gradcheck.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/reduce.h"
#include "tensor/rng.h"

namespace thorax::autograd {

static double weighted_sum(const Tensor& y, const Tensor& w) {
  NoGrad off;
  return sum(mul(y, w)).item();
}

GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs, double eps, double atol,
                          double rtol, uint64_t seed) {
  for (const Tensor& t : inputs)
    if (t.defined() && t.dtype() != DType::f64) throw std::invalid_argument("gradcheck needs float64 inputs, got " + t.str());
  std::vector<Tensor> leaves;
  for (const Tensor& t : inputs) {
    if (!t.defined()) {
      leaves.push_back(t);
      continue;
    }
    Tensor c = t.clone();
    c.set_requires_grad(t.requires_grad());
    leaves.push_back(c);
  }
  Tensor y = f(leaves);
  Generator gen(seed);
  Tensor w = Tensor::empty(y.shape(), DType::f64);
  gen.uniform_(w, -1.0, 1.0);
  backward(sum(mul(y, w)));

  GradcheckResult r;
  for (size_t i = 0; i < leaves.size(); ++i) {
    Tensor x = leaves[i];
    if (!x.defined() || !x.requires_grad()) continue;
    Tensor analytic = x.grad().defined() ? x.grad() : Tensor::zeros(x.shape(), DType::f64);
    std::vector<double> a = analytic.to_vector();
    double* p = x.data<double>();  // clone() made x dense, so element j is p[j]
    for (int64_t j = 0; j < x.numel(); ++j) {
      const double orig = p[j];
      p[j] = orig + eps;
      double up = weighted_sum(f(leaves), w);
      p[j] = orig - eps;
      double down = weighted_sum(f(leaves), w);
      p[j] = orig;
      double numeric = (up - down) / (2 * eps);
      double err = std::abs(a[j] - numeric);
      r.max_abs_error = std::max(r.max_abs_error, err);
      if (err > atol + rtol * std::abs(numeric) && r.ok) {
        r.ok = false;
        std::ostringstream ss;
        ss << "input " << i << " element " << j << ": analytic " << a[j] << ", numeric " << numeric;
        r.detail = ss.str();
      }
    }
  }
  return r;
}

}  // namespace thorax::autograd
