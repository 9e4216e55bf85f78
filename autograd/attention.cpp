#include "autograd/attention.h"

#include <cmath>
#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/matmul.h"
#include "autograd/node.h"
#include "autograd/view.h"
#include "kernels/attention.h"
#include "kernels/reference/attention.h"

namespace thorax {

Tensor scaled_dot_product_attention(const Tensor& q0, const Tensor& k0, const Tensor& v0, bool causal, double scale) {
  autograd::check_compute(q0, k0, "attention");
  autograd::check_compute(q0, v0, "attention");
  const int64_t nd = q0.dim();
  if (nd < 2 || k0.dim() != nd || v0.dim() != nd)
    throw std::invalid_argument("attention: q, k, v need the same rank >= 2, got " + shape_str(q0.shape()) + ", " +
                                shape_str(k0.shape()) + ", " + shape_str(v0.shape()));
  Shape lead(q0.shape().begin(), q0.shape().end() - 2);
  if (Shape(k0.shape().begin(), k0.shape().end() - 2) != lead || Shape(v0.shape().begin(), v0.shape().end() - 2) != lead)
    throw std::invalid_argument("attention: q, k, v must share their leading (batch, head) dims");
  kernels::AttentionShape s;
  s.batch = numel(lead);
  s.lq = q0.shape()[nd - 2];
  s.d = q0.shape()[nd - 1];
  s.lk = k0.shape()[nd - 2];
  s.dv = v0.shape()[nd - 1];
  if (k0.shape()[nd - 1] != s.d) throw std::invalid_argument("attention: q and k differ in feature size");
  if (v0.shape()[nd - 2] != s.lk) throw std::invalid_argument("attention: k and v differ in sequence length");
  if (causal && s.lk < s.lq) throw std::invalid_argument("attention: causal masking needs at least as many keys as queries");
  s.scale = scale > 0 ? scale : 1.0 / std::sqrt(static_cast<double>(s.d));
  s.causal = causal;
  Tensor q = q0.contiguous(), k = k0.contiguous(), v = v0.contiguous();
  Shape out_shape = lead;
  out_shape.insert(out_shape.end(), {s.lq, s.dv});
  Shape lse_shape = lead;
  lse_shape.push_back(s.lq);
  Tensor o = Tensor::empty(out_shape, q.dtype()), lse = Tensor::empty(lse_shape, q.dtype());
  if (autograd::is_double(q))
    kernels::ref::attention_forward<double>(s, q.data<double>(), k.data<double>(), v.data<double>(), o.data<double>(), lse.data<double>());
  else
    kernels::attention_op().cpu().forward(s, q.data<float>(), k.data<float>(), v.data<float>(), o.data<float>(), lse.data<float>());
  if (autograd::any_requires_grad({q0, k0, v0})) {
    Tensor sq = autograd::saved(q), sk = autograd::saved(k), sv = autograd::saved(v), so = autograd::saved(o);
    // Backward contract: (dL/dq, dL/dk, dL/dv) from dL/do by the fused backward kernel. Assigns.
    autograd::record("attention", {q0, k0, v0}, {o}, [=](const std::vector<Tensor>& g) {
      Tensor go = g[0].contiguous();
      Tensor gq = Tensor::empty(sq.shape(), sq.dtype()), gk = Tensor::empty(sk.shape(), sk.dtype()),
             gv = Tensor::empty(sv.shape(), sv.dtype());
      if (autograd::is_double(sq))
        kernels::ref::attention_backward<double>(s, sq.data<double>(), sk.data<double>(), sv.data<double>(),
                                                 so.data<double>(), lse.data<double>(), go.data<double>(),
                                                 gq.data<double>(), gk.data<double>(), gv.data<double>());
      else
        kernels::attention_op().cpu().backward(s, sq.data<float>(), sk.data<float>(), sv.data<float>(), so.data<float>(),
                                               lse.data<float>(), go.data<float>(), gq.data<float>(), gk.data<float>(),
                                               gv.data<float>());
      return std::vector<Tensor>{gq, gk, gv};
    });
  }
  return o;
}

Tensor multi_head_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                            const MultiHeadAttentionWeights& w, int64_t heads, bool causal) {
  if (query.dim() != 3) throw std::invalid_argument("multi_head_attention: query must be (N, L, E), got " + shape_str(query.shape()));
  const int64_t n = query.shape()[0], lq = query.shape()[1], e = query.shape()[2], lk = key.shape()[1];
  if (heads <= 0 || e % heads != 0)
    throw std::invalid_argument("multi_head_attention: embedding size " + std::to_string(e) + " is not divisible by " +
                                std::to_string(heads) + " heads");
  if (w.in_proj_weight.dim() != 2 || w.in_proj_weight.shape()[0] != 3 * e || w.in_proj_weight.shape()[1] != e)
    throw std::invalid_argument("multi_head_attention: in_proj_weight must be (3E, E) = (" + std::to_string(3 * e) +
                                ", " + std::to_string(e) + "), got " + shape_str(w.in_proj_weight.shape()));
  const int64_t dh = e / heads;
  auto project = [&](const Tensor& x, int64_t part, int64_t len) {
    Tensor wp = narrow(w.in_proj_weight, 0, part * e, e);
    Tensor bp = w.in_proj_bias.defined() ? narrow(w.in_proj_bias, 0, part * e, e) : Tensor();
    // (N, L, E) -> (N, heads, L, dh)
    return permute(reshape(linear(x, wp, bp), {n, len, heads, dh}), {0, 2, 1, 3});
  };
  Tensor o = scaled_dot_product_attention(project(query, 0, lq), project(key, 1, lk), project(value, 2, lk), causal);
  Tensor merged = reshape(permute(o, {0, 2, 1, 3}), {n, lq, e});
  return linear(merged, w.out_proj_weight, w.out_proj_bias);
}

}  // namespace thorax
