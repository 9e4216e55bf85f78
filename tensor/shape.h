// Shapes and strides (in elements, not bytes), and NumPy broadcasting.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace thorax {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s);
Shape contiguous_strides(const Shape& s);
std::string shape_str(const Shape& s);  // "[2, 3, 4]"

// NumPy rules: align trailing dims; a dim of 1 stretches. Throws naming both shapes otherwise.
Shape broadcast_shapes(const Shape& a, const Shape& b);

// Turns a possibly negative dim into [0, ndim); throws when out of range.
int64_t wrap_dim(int64_t dim, int64_t ndim);

}  // namespace thorax
