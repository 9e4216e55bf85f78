// The table of differentiable-op test cases, shared by the gradient checks (float64, finite differences)
// and the PyTorch parity test (float32, reference files written by tests/torch/make_references.py from
// this same table, exported as JSON). One case: an op, its inputs (shape and how values are drawn),
// its parameters, and the thorax call.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace thorax::testing {

struct InputSpec {
  Shape shape;
  // "normal": N(0, scale²); "positive": U(0.5, 2); "distinct": a shuffle of evenly spaced values in
  // [-2, 2] (no ties); "ties": integers in {-1, 0, 1} (for tie-handling parity only); "unit": U(0, 1);
  // "binary": 0 or 1 with equal odds (targets, masks); "classes:C": integers in [0, C) (class indices,
  // stored as floats: the case converts them).
  std::string domain = "normal";
  double scale = 1.0;
  std::vector<double> avoid;  // kinks: values are pushed at least 0.05 away from these points
  bool grad = true;           // does the test ask for this input's gradient?
  bool noncontig = false;     // passed as a transposed view of a dense buffer (last two dims)
};

struct OpCase {
  std::string id;  // unique, "<op>/<variant>"
  std::string op;  // a name from autograd::differentiable_ops()
  std::vector<InputSpec> inputs;
  nlohmann::json params = nlohmann::json::object();  // read by the PyTorch side too
  std::function<Tensor(const std::vector<Tensor>&)> fn;
  double atol = 1e-5, rtol = 1e-5;  // float32 parity tolerance: |a-b| <= atol + rtol*max|ref|
  bool gradcheck = true;            // false where the op is not differentiable at these inputs (ties)
};

const std::vector<OpCase>& op_cases();

// Draws the inputs of `c` as float64 or float32 tensors, laid out as the specs say.
std::vector<Tensor> make_inputs(const OpCase& c, DType dtype, uint64_t seed);
// Lays `values` (dense) out as `spec` says (a transposed view when noncontig) and sets requires_grad.
Tensor lay_out(const Tensor& values, const InputSpec& spec);

// The table as JSON, for the PyTorch reference generator.
nlohmann::json op_cases_json();

}  // namespace thorax::testing
