#include "autograd/sync_batch_norm.h"

#include <cmath>
#include <vector>

#include "autograd/dispatch.h"
#include "autograd/node.h"

namespace thorax {

namespace {
BatchStatsReducer& reducer_slot() {
  static BatchStatsReducer reducer;
  return reducer;
}
}  // namespace

void set_batch_norm_reducer(BatchStatsReducer reducer) { reducer_slot() = std::move(reducer); }

namespace autograd {

const BatchStatsReducer& batch_norm_reducer() { return reducer_slot(); }

namespace {

struct Dims {
  int64_t N, C, S;
};

// Per-channel sums of f(value, channel) over the local N·S values, in double.
template <class T, class F>
std::vector<double> channel_sums(const T* x, const Dims& d, F f) {
  std::vector<double> out(d.C, 0.0);
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < d.C; ++c) {
    double acc = 0.0;
    for (int64_t n = 0; n < d.N; ++n) {
      const T* row = x + (n * d.C + c) * d.S;
      for (int64_t s = 0; s < d.S; ++s) acc += f(static_cast<double>(row[s]), c);
    }
    out[c] = acc;
  }
  return out;
}

template <class T>
Tensor forward(const Tensor& x0, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
               double momentum, double eps, const BatchStatsReducer& reduce) {
  const Tensor x = x0.contiguous();
  Dims d{x.shape()[0], x.shape()[1], 1};
  for (int64_t i = 2; i < x.dim(); ++i) d.S *= x.shape()[i];
  const T* px = x.data<T>();

  // Two passes over the global batch: the mean, then the squared deviations from it (no cancellation).
  std::vector<double> sums = channel_sums(px, d, [](double v, int64_t) { return v; });
  sums.push_back(static_cast<double>(d.N * d.S));
  reduce(sums);
  const double count = sums.back();
  std::vector<double> mean(d.C), invstd(d.C);
  for (int64_t c = 0; c < d.C; ++c) mean[c] = sums[c] / count;
  std::vector<double> squares = channel_sums(px, d, [&](double v, int64_t c) { return (v - mean[c]) * (v - mean[c]); });
  reduce(squares);
  for (int64_t c = 0; c < d.C; ++c) invstd[c] = 1.0 / std::sqrt(squares[c] / count + eps);

  Tensor y = Tensor::empty(x.shape(), x.dtype());
  T* py = y.data<T>();
  const Tensor w = weight.defined() ? weight.contiguous() : weight, b = bias.defined() ? bias.contiguous() : bias;
  const T* pw = w.defined() ? w.data<T>() : nullptr;
  const T* pb = b.defined() ? b.data<T>() : nullptr;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t n = 0; n < d.N; ++n)
    for (int64_t c = 0; c < d.C; ++c) {
      const double scale = invstd[c] * (pw ? pw[c] : 1.0), shift = pb ? pb[c] : 0.0;
      const int64_t at = (n * d.C + c) * d.S;
      for (int64_t s = 0; s < d.S; ++s) py[at + s] = static_cast<T>((px[at + s] - mean[c]) * scale + shift);
    }

  // Running statistics as torch: the variance as the unbiased estimate over the global count.
  if (running_mean.defined()) {
    Tensor rm = running_mean.contiguous(), rv = running_var.contiguous();
    T* pm = rm.data<T>();
    T* pv = rv.data<T>();
    const double unbiased = count > 1 ? count / (count - 1) : 1.0;
    for (int64_t c = 0; c < d.C; ++c) {
      pm[c] = static_cast<T>((1 - momentum) * pm[c] + momentum * mean[c]);
      pv[c] = static_cast<T>((1 - momentum) * pv[c] + momentum * squares[c] / count * unbiased);
    }
    if (!rm.same(running_mean)) running_mean.copy_from(rm);
    if (!rv.same(running_var)) running_var.copy_from(rv);
  }

  if (any_requires_grad({x0, weight, bias})) {
    const Tensor sx = saved(x), sw = saved(w);
    const bool need_x = x0.requires_grad(), need_w = weight.requires_grad(), need_b = bias.requires_grad();
    const Shape w_shape = weight.defined() ? weight.shape() : Shape{}, b_shape = bias.defined() ? bias.shape() : Shape{};
    record("batch_norm", {x0, weight, bias}, {y}, [=](const std::vector<Tensor>& g) {
      const Tensor gy = g[0].contiguous();
      const T* px = sx.data<T>();
      const T* pg = gy.data<T>();
      // Local Σdy and Σdy·x̂ per channel: the weight and bias gradients as they are, and (summed over every
      // rank) the two terms through which each value's gradient depends on the whole batch's.
      std::vector<double> local(2 * d.C, 0.0);
#pragma omp parallel for schedule(static)
      for (int64_t c = 0; c < d.C; ++c) {
        double sg = 0, sgx = 0;
        for (int64_t n = 0; n < d.N; ++n) {
          const int64_t at = (n * d.C + c) * d.S;
          for (int64_t s = 0; s < d.S; ++s) {
            sg += pg[at + s];
            sgx += pg[at + s] * (px[at + s] - mean[c]) * invstd[c];
          }
        }
        local[c] = sg;
        local[d.C + c] = sgx;
      }
      std::vector<double> global = local;
      if (need_x) reduce(global);
      Tensor gx, gw, gb;
      if (need_x) {
        gx = Tensor::empty(sx.shape(), sx.dtype());
        T* pgx = gx.data<T>();
        const T* pw = sw.defined() ? sw.data<T>() : nullptr;
#pragma omp parallel for collapse(2) schedule(static)
        for (int64_t n = 0; n < d.N; ++n)
          for (int64_t c = 0; c < d.C; ++c) {
            const double k = invstd[c] * (pw ? pw[c] : 1.0), mean_g = global[c] / count,
                         mean_gx = global[d.C + c] / count;
            const int64_t at = (n * d.C + c) * d.S;
            for (int64_t s = 0; s < d.S; ++s) {
              const double xhat = (px[at + s] - mean[c]) * invstd[c];
              pgx[at + s] = static_cast<T>(k * (pg[at + s] - mean_g - xhat * mean_gx));
            }
          }
      }
      if (need_w) {
        gw = Tensor::empty(w_shape, sx.dtype());
        for (int64_t c = 0; c < d.C; ++c) gw.data<T>()[c] = static_cast<T>(local[d.C + c]);
      }
      if (need_b) {
        gb = Tensor::empty(b_shape, sx.dtype());
        for (int64_t c = 0; c < d.C; ++c) gb.data<T>()[c] = static_cast<T>(local[c]);
      }
      return std::vector<Tensor>{gx, gw, gb};
    });
  }
  return y;
}

}  // namespace

Tensor sync_batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight,
                       const Tensor& bias, double momentum, double eps) {
  const BatchStatsReducer reduce = batch_norm_reducer();  // a copy: backward runs after the caller may reset it
  return is_double(x) ? forward<double>(x, running_mean, running_var, weight, bias, momentum, eps, reduce)
                      : forward<float>(x, running_mean, running_var, weight, bias, momentum, eps, reduce);
}

}  // namespace autograd
}  // namespace thorax
