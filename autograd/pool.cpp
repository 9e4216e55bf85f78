#include "autograd/pool.h"

#include <stdexcept>
#include <string>
#include <type_traits>

#include "autograd/dispatch.h"
#include "autograd/node.h"
#include "kernels/pool2d.h"
#include "kernels/reference/pool2d.h"

namespace thorax {

using kernels::Pool2dParams;

namespace {

using Pair = std::array<int64_t, 2>;

std::string pair_str(Pair p) { return std::to_string(p[0]) + "x" + std::to_string(p[1]); }

void check_input(const char* op, const Tensor& x) {
  autograd::check_compute(x, op);
  if (x.dim() != 4)
    throw std::invalid_argument(std::string(op) + ": input must be 4-d (N, C, H, W), got " + shape_str(x.shape()) +
                                (x.dim() == 3 ? " (add the batch dim with unsqueeze(x, 0))" : ""));
}

Pool2dParams pool_params(const char* op, const Tensor& x, Pair kernel, Pair stride, Pair padding, Pair dilation,
                         bool ceil_mode) {
  const std::string name = op;
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1) throw std::invalid_argument(name + ": kernel size must be at least 1, got " + pair_str(kernel));
    if (stride[i] == 0) stride[i] = kernel[i];
    if (stride[i] < 1) throw std::invalid_argument(name + ": stride must be at least 1, got " + pair_str(stride));
    if (dilation[i] < 1) throw std::invalid_argument(name + ": dilation must be at least 1, got " + pair_str(dilation));
    if (padding[i] < 0 || 2 * padding[i] > kernel[i])
      throw std::invalid_argument(name + ": padding " + pair_str(padding) + " must be between 0 and half the kernel size " +
                                  pair_str(kernel) + " (so that no window lies wholly in the padding)");
  }
  const Shape& s = x.shape();
  Pool2dParams p{s[0],      s[1],       s[2],       s[3],        kernel[0],   kernel[1], stride[0],
                 stride[1], padding[0], padding[1], dilation[0], dilation[1], ceil_mode, true};
  if (p.H_out() < 1 || p.W_out() < 1)
    throw std::invalid_argument(name + ": the " + pair_str(kernel) + " window (dilation " + pair_str(dilation) +
                                ") does not fit the " + pair_str({s[2], s[3]}) + " input padded by " + pair_str(padding));
  return p;
}

template <class F> void by_dtype(const Tensor& t, F&& f) {
  if (autograd::is_double(t)) f.template operator()<double>();
  else f.template operator()<float>();
}

}  // namespace

Tensor max_pool2d(const Tensor& x0, Pair kernel, const MaxPool2dOptions& o) {
  check_input("max_pool2d", x0);
  const Pool2dParams p = pool_params("max_pool2d", x0, kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty({p.N, p.C, p.H_out(), p.W_out()}, x.dtype());
  Tensor argmax = Tensor::empty(y.shape(), DType::i64);
  by_dtype(x, [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) kernels::ref::max_pool2d_forward<double>(x.data<T>(), y.data<T>(), argmax.data<int64_t>(), p);
    else kernels::max_pool2d_op().cpu().forward(x.data<T>(), y.data<T>(), argmax.data<int64_t>(), p);
  });
  if (autograd::any_requires_grad({x0})) {
    const DType dt = x.dtype();
    // Backward contract: gx = d(sum(g · max_pool2d(x)))/dx, g scattered to the saved argmax. Assigns.
    autograd::record("max_pool2d", {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty({p.N, p.C, p.H, p.W}, dt);
      by_dtype(gx, [&]<class T>() {
        if constexpr (std::is_same_v<T, double>) kernels::ref::max_pool2d_backward<double>(gy.data<T>(), argmax.data<int64_t>(), gx.data<T>(), p);
        else kernels::max_pool2d_op().cpu().backward(gy.data<T>(), argmax.data<int64_t>(), gx.data<T>(), p);
      });
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

Tensor avg_pool2d(const Tensor& x0, Pair kernel, const AvgPool2dOptions& o) {
  check_input("avg_pool2d", x0);
  Pool2dParams p = pool_params("avg_pool2d", x0, kernel, o.stride, o.padding, {1, 1}, o.ceil_mode);
  p.count_include_pad = o.count_include_pad;
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty({p.N, p.C, p.H_out(), p.W_out()}, x.dtype());
  by_dtype(x, [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) kernels::ref::avg_pool2d_forward<double>(x.data<T>(), y.data<T>(), p);
    else kernels::avg_pool2d_op().cpu().forward(x.data<T>(), y.data<T>(), p);
  });
  if (autograd::any_requires_grad({x0})) {
    const DType dt = x.dtype();
    // Backward contract: gx = d(sum(g · avg_pool2d(x)))/dx, each g spread over its window. Assigns.
    autograd::record("avg_pool2d", {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty({p.N, p.C, p.H, p.W}, dt);
      by_dtype(gx, [&]<class T>() {
        if constexpr (std::is_same_v<T, double>) kernels::ref::avg_pool2d_backward<double>(gy.data<T>(), gx.data<T>(), p);
        else kernels::avg_pool2d_op().cpu().backward(gy.data<T>(), gx.data<T>(), p);
      });
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

Tensor adaptive_avg_pool2d(const Tensor& x0, Pair output_size) {
  check_input("adaptive_avg_pool2d", x0);
  if (output_size[0] < 1 || output_size[1] < 1)
    throw std::invalid_argument("adaptive_avg_pool2d: output size must be at least 1x1, got " + pair_str(output_size));
  const Shape& s = x0.shape();
  if (s[2] < 1 || s[3] < 1)
    throw std::invalid_argument("adaptive_avg_pool2d: input " + shape_str(s) + " has an empty plane");
  const kernels::AdaptivePool2dParams p{s[0], s[1], s[2], s[3], output_size[0], output_size[1]};
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty({p.N, p.C, p.H_out, p.W_out}, x.dtype());
  by_dtype(x, [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) kernels::ref::adaptive_avg_pool2d_forward<double>(x.data<T>(), y.data<T>(), p);
    else kernels::adaptive_avg_pool2d_op().cpu().forward(x.data<T>(), y.data<T>(), p);
  });
  if (autograd::any_requires_grad({x0})) {
    const DType dt = x.dtype();
    // Backward contract: gx = d(sum(g · adaptive_avg_pool2d(x)))/dx, each g spread over its bin. Assigns.
    autograd::record("adaptive_avg_pool2d", {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::empty({p.N, p.C, p.H, p.W}, dt);
      by_dtype(gx, [&]<class T>() {
        if constexpr (std::is_same_v<T, double>) kernels::ref::adaptive_avg_pool2d_backward<double>(gy.data<T>(), gx.data<T>(), p);
        else kernels::adaptive_avg_pool2d_op().cpu().backward(gy.data<T>(), gx.data<T>(), p);
      });
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

}  // namespace thorax
