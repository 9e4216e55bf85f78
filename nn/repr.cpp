#include "nn/repr.h"

#include <sstream>

namespace thorax::nn {

std::string pair_repr(const std::array<int64_t, 2>& p) {
  std::ostringstream s;
  s << "(" << p[0] << ", " << p[1] << ")";
  return s.str();
}

}  // namespace thorax::nn
