#include "nn/upsample.h"

#include <sstream>
#include <stdexcept>

namespace thorax::nn {

Upsample::Upsample(const Upsample2dOptions& options, UpsampleMode mode) : opt_(options), mode_(mode) {
  const bool has_size = opt_.size[0] > 0 || opt_.size[1] > 0, has_scale = opt_.scale[0] > 0 || opt_.scale[1] > 0;
  if (has_size == has_scale) throw std::invalid_argument("Upsample: give exactly one of size and scale factor");
  if (mode_ == UpsampleMode::nearest && opt_.align_corners)
    throw std::invalid_argument("Upsample: align_corners only applies to bilinear mode");
}

std::string Upsample::extra_repr() const {
  std::ostringstream s;
  if (opt_.size[0] > 0) s << "size=(" << opt_.size[0] << ", " << opt_.size[1] << ")";
  else s << "scale_factor=(" << opt_.scale[0] << ", " << opt_.scale[1] << ")";
  s << ", mode=" << (mode_ == UpsampleMode::nearest ? "nearest" : "bilinear");
  return s.str();
}

Tensor Upsample::forward(const Tensor& x) {
  return mode_ == UpsampleMode::nearest ? upsample_nearest(x, opt_) : upsample_bilinear(x, opt_);
}

}  // namespace thorax::nn
