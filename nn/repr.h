// Formatting shared by the layers' extra_repr(): PyTorch's "(3, 3)" for a pair.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace thorax::nn {

std::string pair_repr(const std::array<int64_t, 2>& p);

}  // namespace thorax::nn
