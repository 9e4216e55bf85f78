#include "autograd/upsample.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "kernels/reference/upsample.h"
#include "kernels/upsample.h"

namespace thorax {

using kernels::Upsample2dParams;

namespace {

Upsample2dParams plan(const std::string& op, const Tensor& x, const Upsample2dOptions& o) {
  autograd::check_compute(x, op.c_str());
  if (x.dim() != 4)
    throw std::invalid_argument(op + ": input must be 4-d (N, C, H, W), got " + shape_str(x.shape()));
  const Shape& s = x.shape();
  if (s[2] < 1 || s[3] < 1) throw std::invalid_argument(op + ": input " + shape_str(s) + " has an empty plane");
  const bool by_size = o.size[0] != 0 || o.size[1] != 0, by_scale = o.scale[0] != 0 || o.scale[1] != 0;
  if (by_size == by_scale)
    throw std::invalid_argument(op + ": give either an output size or a scale factor, not " +
                                std::string(by_size ? "both" : "neither"));
  Upsample2dParams p{s[0], s[1], s[2], s[3], 0, 0, 0.0, 0.0, o.align_corners};
  if (by_size) {
    p.H_out = o.size[0], p.W_out = o.size[1];
  } else {
    if (!(o.scale[0] > 0) || !(o.scale[1] > 0))
      throw std::invalid_argument(op + ": scale factors must be positive, got " + std::to_string(o.scale[0]) + " and " +
                                  std::to_string(o.scale[1]));
    p.scale_h = o.scale[0], p.scale_w = o.scale[1];
    p.H_out = static_cast<int64_t>(std::floor(static_cast<double>(s[2]) * o.scale[0]));
    p.W_out = static_cast<int64_t>(std::floor(static_cast<double>(s[3]) * o.scale[1]));
  }
  if (p.H_out < 1 || p.W_out < 1)
    throw std::invalid_argument(op + ": the output would be " + std::to_string(p.H_out) + "x" + std::to_string(p.W_out) +
                                " for input " + shape_str(s) + "; it must be at least 1x1");
  return p;
}

// The kernels of one op: float64 runs the reference, float32 the registry's default CPU version.
template <class T> using Kernels = kernels::Upsample2dKernels<T>;

Tensor resample(const char* name, const Tensor& x0, const Upsample2dParams& p, Kernels<double> ref,
                const kernels::Op<Kernels<float>>& op) {
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty({p.N, p.C, p.H_out, p.W_out}, x.dtype());
  if (autograd::is_double(x)) ref.forward(x.data<double>(), y.data<double>(), p);
  else op.cpu().forward(x.data<float>(), y.data<float>(), p);
  if (autograd::any_requires_grad({x0})) {
    const DType dt = x.dtype();
    const Kernels<float> fast = op.cpu();
    // Backward contract: gx = d(sum(g · upsample(x)))/dx, g scattered back with the forward's weights. Assigns.
    autograd::record(name, {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty({p.N, p.C, p.H, p.W}, dt);
      if (dt == DType::f64) ref.backward(gy.data<double>(), gx.data<double>(), p);
      else fast.backward(gy.data<float>(), gx.data<float>(), p);
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

}  // namespace

Tensor upsample_nearest(const Tensor& x, const Upsample2dOptions& opt) {
  if (opt.align_corners)
    throw std::invalid_argument("upsample_nearest: align_corners only applies to bilinear resampling");
  const Upsample2dParams p = plan("upsample_nearest", x, opt);
  return resample("upsample_nearest", x, p,
                  {kernels::ref::upsample_nearest_forward<double>, kernels::ref::upsample_nearest_backward<double>},
                  kernels::upsample_nearest_op());
}

Tensor upsample_bilinear(const Tensor& x, const Upsample2dOptions& opt) {
  const Upsample2dParams p = plan("upsample_bilinear", x, opt);
  return resample("upsample_bilinear", x, p,
                  {kernels::ref::upsample_bilinear_forward<double>, kernels::ref::upsample_bilinear_backward<double>},
                  kernels::upsample_bilinear_op());
}

}  // namespace thorax
