#include "nn/pooling.h"

#include "nn/repr.h"

namespace thorax::nn {

namespace {
std::array<int64_t, 2> or_kernel(std::array<int64_t, 2> stride, std::array<int64_t, 2> kernel) {
  return stride[0] == 0 && stride[1] == 0 ? kernel : stride;
}
}  // namespace

MaxPool2d::MaxPool2d(std::array<int64_t, 2> kernel, const MaxPool2dOptions& options) : kernel_(kernel), opt_(options) {}
std::string MaxPool2d::extra_repr() const {
  return "kernel_size=" + pair_repr(kernel_) + ", stride=" + pair_repr(or_kernel(opt_.stride, kernel_)) +
         ", padding=" + pair_repr(opt_.padding) + ", ceil_mode=" + (opt_.ceil_mode ? "True" : "False");
}
Tensor MaxPool2d::forward(const Tensor& x) { return max_pool2d(x, kernel_, opt_); }

AvgPool2d::AvgPool2d(std::array<int64_t, 2> kernel, const AvgPool2dOptions& options) : kernel_(kernel), opt_(options) {}
std::string AvgPool2d::extra_repr() const {
  return "kernel_size=" + pair_repr(kernel_) + ", stride=" + pair_repr(or_kernel(opt_.stride, kernel_)) +
         ", padding=" + pair_repr(opt_.padding);
}
Tensor AvgPool2d::forward(const Tensor& x) { return avg_pool2d(x, kernel_, opt_); }

std::string AdaptiveAvgPool2d::extra_repr() const { return "output_size=" + pair_repr(out_); }
Tensor AdaptiveAvgPool2d::forward(const Tensor& x) { return adaptive_avg_pool2d(x, out_); }

}  // namespace thorax::nn
