#include "autograd/conv.h"

#include <stdexcept>
#include <string>
#include <type_traits>

#include "autograd/dispatch.h"
#include "autograd/elementwise.h"
#include "autograd/node.h"
#include "autograd/view.h"
#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/depthwise_conv2d.h"

namespace thorax {

using kernels::Conv2dKernels;
using kernels::Conv2dParams;

namespace {

using Pair = std::array<int64_t, 2>;

std::string pair_str(Pair p) { return std::to_string(p[0]) + "x" + std::to_string(p[1]); }

void check_geometry(const std::string& op, Pair stride, Pair padding, Pair dilation, int64_t groups) {
  for (int i = 0; i < 2; ++i) {
    if (stride[i] < 1) throw std::invalid_argument(op + ": stride must be at least 1, got " + pair_str(stride));
    if (padding[i] < 0) throw std::invalid_argument(op + ": padding must not be negative, got " + pair_str(padding));
    if (dilation[i] < 1) throw std::invalid_argument(op + ": dilation must be at least 1, got " + pair_str(dilation));
  }
  if (groups < 1) throw std::invalid_argument(op + ": groups must be at least 1, got " + std::to_string(groups));
}

void check_4d(const std::string& op, const Tensor& t, const char* what, const char* layout) {
  if (t.dim() != 4)
    throw std::invalid_argument(op + ": " + what + " must be 4-d " + layout + ", got " + shape_str(t.shape()) +
                                (t.dim() == 3 && std::string(what) == "input" ? " (add the batch dim with unsqueeze(x, 0))" : ""));
}

void check_bias(const std::string& op, const Tensor& x, const Tensor& bias, int64_t channels) {
  if (!bias.defined()) return;
  autograd::check_compute(x, bias, op.c_str());
  if (bias.dim() != 1 || bias.shape()[0] != channels)
    throw std::invalid_argument(op + ": bias must be 1-d with " + std::to_string(channels) +
                                " elements (one per output channel), got " + shape_str(bias.shape()));
}

// Rejects a dilated kernel that does not fit the padded input (the output would be empty).
void check_fits(const std::string& op, const Conv2dParams& p) {
  if (p.H + 2 * p.pad_h < p.dilation_h * (p.kH - 1) + 1 || p.W + 2 * p.pad_w < p.dilation_w * (p.kW - 1) + 1)
    throw std::invalid_argument(op + ": the " + pair_str({p.kH, p.kW}) + " kernel (dilation " +
                                pair_str({p.dilation_h, p.dilation_w}) + ") does not fit the " + pair_str({p.H, p.W}) +
                                " input padded by " + pair_str({p.pad_h, p.pad_w}));
}

// Depthwise shapes run the dedicated kernel; groups == 1 == C_in is an ordinary convolution.
bool is_depthwise(const Conv2dParams& p) { return p.groups > 1 && p.groups == p.C_in; }

// float64 runs the reference loops (the gradient-check path); float32 the registry's default CPU version.
template <class T> Conv2dKernels<T> kernels_for(const Conv2dParams& p) {
  const bool dw = is_depthwise(p);
  if constexpr (std::is_same_v<T, double>) {
    if (dw)
      return {kernels::ref::depthwise_conv2d_forward<double>, kernels::ref::depthwise_conv2d_backward_data<double>,
              kernels::ref::depthwise_conv2d_backward_weight<double>};
    return {kernels::ref::conv2d_forward<double>, kernels::ref::conv2d_backward_data<double>,
            kernels::ref::conv2d_backward_weight<double>};
  } else {
    return (dw ? kernels::depthwise_conv2d_op() : kernels::conv2d_op()).cpu();
  }
}

template <class F> void by_dtype(const Tensor& t, F&& f) {
  if (autograd::is_double(t)) f.template operator()<double>();
  else f.template operator()<float>();
}

template <class T> const T* ptr_or_null(const Tensor& t) { return t.defined() ? t.data<T>() : nullptr; }

// The three raw kernels on dense tensors; results carry no graph.
Tensor run_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p) {
  Tensor y = Tensor::empty({p.N, p.C_out, p.H_out(), p.W_out()}, x.dtype());
  by_dtype(x, [&]<class T>() {
    kernels_for<T>(p).forward(x.data<T>(), w.data<T>(), ptr_or_null<T>(bias), y.data<T>(), p);
  });
  return y;
}

Tensor run_backward_data(const Tensor& gy, const Tensor& w, const Conv2dParams& p) {
  Tensor gx = Tensor::empty({p.N, p.C_in, p.H, p.W}, gy.dtype());
  by_dtype(gy, [&]<class T>() { kernels_for<T>(p).backward_data(gy.data<T>(), w.data<T>(), gx.data<T>(), p); });
  return gx;
}

// Fills gw (and gb, when defined) with the weight (and bias) gradients.
void run_backward_weight(const Tensor& x, const Tensor& gy, const Conv2dParams& p, Tensor& gw, Tensor& gb) {
  by_dtype(x, [&]<class T>() {
    kernels_for<T>(p).backward_weight(x.data<T>(), gy.data<T>(), gw.data<T>(), gb.defined() ? gb.data<T>() : nullptr, p);
  });
}

}  // namespace

Tensor conv2d(const Tensor& x0, const Tensor& w0, const Tensor& b0, const Conv2dOptions& o) {
  const std::string op = "conv2d";
  autograd::check_compute(x0, w0, "conv2d");
  check_4d(op, x0, "input", "(N, C, H, W)");
  check_4d(op, w0, "weight", "(C_out, C_in/groups, kH, kW)");
  check_geometry(op, o.stride, o.padding, o.dilation, o.groups);
  const Shape &xs = x0.shape(), &ws = w0.shape();
  const int64_t g = o.groups;
  if (xs[1] % g != 0)
    throw std::invalid_argument(op + ": groups=" + std::to_string(g) + " does not divide the input's " +
                                std::to_string(xs[1]) + " channels");
  if (ws[0] % g != 0)
    throw std::invalid_argument(op + ": groups=" + std::to_string(g) + " does not divide the weight's " +
                                std::to_string(ws[0]) + " output channels");
  if (xs[1] != ws[1] * g)
    throw std::invalid_argument(op + ": input has " + std::to_string(xs[1]) + " channels but weight expects " +
                                std::to_string(ws[1] * g) + " (groups=" + std::to_string(g) + ")");
  check_bias(op, x0, b0, ws[0]);
  Conv2dParams p{xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], o.stride[0], o.stride[1], o.padding[0],
                 o.padding[1], o.dilation[0], o.dilation[1], g};
  check_fits(op, p);

  Tensor x = x0.contiguous(), w = w0.contiguous(), b = b0.defined() ? b0.contiguous() : Tensor();
  Tensor y = run_forward(x, w, b, p);
  if (autograd::any_requires_grad({x0, w0, b0})) {
    const bool nx = x0.requires_grad(), nw = w0.requires_grad(), nb = b0.defined() && b0.requires_grad();
    Tensor sx = nw || nb ? autograd::saved(x) : Tensor(), sw = nx ? autograd::saved(w) : Tensor();
    // Backward contract: for f = sum(g · conv2d(x, w, b)): df/dx = conv2d's backward-data of g, df/dw and
    // df/db from its backward-weight (df/db = g summed over N, H, W). Assigns.
    autograd::record("conv2d", {x0, w0, b0}, {y}, [=](const std::vector<Tensor>& grads) {
      Tensor gy = grads[0].contiguous();
      Tensor gx, gw, gb;
      if (nx) gx = run_backward_data(gy, sw, p);
      if (nw || nb) {
        // The bias gradient falls out of the same pass; the weight one is computed even when only the
        // bias wants it (backward_weight always assigns gw) and then dropped.
        gw = Tensor::empty({p.C_out, p.C_in / p.groups, p.kH, p.kW}, gy.dtype());
        if (nb) gb = Tensor::empty({p.C_out}, gy.dtype());
        run_backward_weight(sx, gy, p, gw, gb);
        if (!nw) gw = Tensor();
      }
      return std::vector<Tensor>{gx, gw, gb};
    });
  }
  return y;
}

Tensor conv_transpose2d(const Tensor& x0, const Tensor& w0, const Tensor& b0, const ConvTranspose2dOptions& o) {
  const std::string op = "conv_transpose2d";
  autograd::check_compute(x0, w0, "conv_transpose2d");
  check_4d(op, x0, "input", "(N, C, H, W)");
  check_4d(op, w0, "weight", "(C_in, C_out/groups, kH, kW)");
  check_geometry(op, o.stride, o.padding, o.dilation, o.groups);
  const Shape &xs = x0.shape(), &ws = w0.shape();
  const int64_t g = o.groups;
  if (xs[1] != ws[0])
    throw std::invalid_argument(op + ": input has " + std::to_string(xs[1]) + " channels but weight expects " +
                                std::to_string(ws[0]) + " (its first dim is the input channels)");
  if (xs[1] % g != 0)
    throw std::invalid_argument(op + ": groups=" + std::to_string(g) + " does not divide the input's " +
                                std::to_string(xs[1]) + " channels");
  for (int i = 0; i < 2; ++i)
    if (o.output_padding[i] < 0 || o.output_padding[i] >= o.stride[i])
      throw std::invalid_argument(op + ": output_padding " + pair_str(o.output_padding) +
                                  " must be non-negative and smaller than the stride " + pair_str(o.stride));
  const int64_t c_out = ws[1] * g;
  check_bias(op, x0, b0, c_out);
  Pair out;
  for (int i = 0; i < 2; ++i)
    out[i] = (xs[2 + i] - 1) * o.stride[i] - 2 * o.padding[i] + o.dilation[i] * (ws[2 + i] - 1) + o.output_padding[i] + 1;
  if (out[0] < 1 || out[1] < 1)
    throw std::invalid_argument(op + ": the output would be " + pair_str(out) + " (padding " + pair_str(o.padding) +
                                " is too large for the " + pair_str({xs[2], xs[3]}) + " input)");
  // The convolution whose input-gradient this op is: it maps (N, c_out, out) to (N, C_in, H, W).
  Conv2dParams p{xs[0], c_out, out[0], out[1], xs[1], ws[2], ws[3], o.stride[0], o.stride[1], o.padding[0],
                 o.padding[1], o.dilation[0], o.dilation[1], g};
  if (p.H_out() != xs[2] || p.W_out() != xs[3])
    throw std::logic_error(op + ": internal shape mismatch for input " + shape_str(xs));

  Tensor x = x0.contiguous(), w = w0.contiguous();
  Tensor y = run_backward_data(x, w, p);
  if (autograd::any_requires_grad({x0, w0})) {
    const bool nx = x0.requires_grad(), nw = w0.requires_grad();
    Tensor sx = nw ? autograd::saved(x) : Tensor(), sw = nx ? autograd::saved(w) : Tensor();
    const Shape wshape = w.shape();
    // Backward contract: for f = sum(g · conv_transpose2d(x, w)) = sum(conv2d(g, w) · x): df/dx = conv2d(g, w),
    // df/dw = conv2d's backward-weight with g as its input and x as its output gradient. Assigns.
    autograd::record("conv_transpose2d", {x0, w0}, {y}, [=](const std::vector<Tensor>& grads) {
      Tensor gy = grads[0].contiguous();
      Tensor gx, gw, none;
      if (nx) gx = run_forward(gy, sw, Tensor(), p);
      if (nw) {
        gw = Tensor::empty(wshape, gy.dtype());
        run_backward_weight(gy, sx, p, gw, none);
      }
      return std::vector<Tensor>{gx, gw};
    });
  }
  // The bias is a broadcast add, recorded as one, so its gradient comes from add's backward.
  if (b0.defined()) y = add(y, reshape(b0, {1, c_out, 1, 1}));
  return y;
}

}  // namespace thorax
