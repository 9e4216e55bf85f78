// Every op case against PyTorch: the same float32 inputs, outputs and input gradients compared.
// The references are written by make_references.py (a ctest fixture) into $THORAX_TORCH_REFS.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "autograd/ops.h"
#include "tensor/npy.h"
#include "tests/support/check.h"
#include "tests/support/coverage.h"
#include "tests/support/op_cases.h"

using namespace thorax;
using namespace thorax::testing;

static std::string refs_dir() {
  const char* d = std::getenv("THORAX_TORCH_REFS");
  return d ? d : "";
}

TEST_CASE("torch parity: every op case, forward and backward, float32") {
  const std::string dir = refs_dir();
  REQUIRE_MESSAGE(!dir.empty(), "THORAX_TORCH_REFS is not set (run through ctest)");
  std::ifstream f(dir + "/manifest.json");
  REQUIRE_MESSAGE(f.good(), "no PyTorch references in " << dir << " (the torch_refs fixture failed?)");
  nlohmann::json manifest = nlohmann::json::parse(f);
  MESSAGE("PyTorch " << manifest["torch_version"].get<std::string>());

  std::map<std::string, const OpCase*> by_id;
  for (const OpCase& c : op_cases()) by_id[c.id] = &c;
  REQUIRE(manifest["cases"].size() == op_cases().size());

  int compared = 0;
  for (const auto& entry : manifest["cases"]) {
    const std::string id = entry["id"];
    REQUIRE_MESSAGE(by_id.count(id), "reference case " << id << " is not in the op table");
    const OpCase& c = *by_id[id];
    const std::string d = dir + "/" + entry["dir"].get<std::string>() + "/";
    std::vector<Tensor> inputs;
    for (size_t i = 0; i < c.inputs.size(); ++i)
      inputs.push_back(lay_out(npy_load(d + "in" + std::to_string(i) + ".npy"), c.inputs[i]));
    Tensor y = c.fn(inputs);
    Tolerance tol{c.atol, c.rtol};
    Comparison fwd = compare(y, npy_load(d + "out.npy"), tol);
    INFO(id << " forward: " << fwd.detail);
    CHECK(fwd.ok);
    bool grads_ok = true;
    if (y.requires_grad()) autograd::backward(y, npy_load(d + "gout.npy"));  // else: a case without gradients
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!entry["grads"][i].get<bool>()) continue;
      Comparison g = compare(inputs[i].grad(), npy_load(d + "grad" + std::to_string(i) + ".npy"), tol);
      INFO(id << " gradient of input " << i << ": " << g.detail);
      CHECK(g.ok);
      grads_ok = grads_ok && g.ok;
    }
    if (fwd.ok && grads_ok) record("torch", c.op);
    ++compared;
  }
  MESSAGE(compared << " op cases compared with PyTorch");
}
