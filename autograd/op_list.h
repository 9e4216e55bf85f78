// The names of every public differentiable op. The coverage meta-test requires a gradient check and
// a PyTorch comparison for each name listed here; an op added to the library is added here too.
#pragma once
#include <string>
#include <vector>

namespace thorax::autograd {

const std::vector<std::string>& differentiable_ops();

}  // namespace thorax::autograd
