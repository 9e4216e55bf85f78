#include "autograd/lstm.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/join.h"
#include "autograd/node.h"
#include "autograd/view.h"
#include "kernels/lstm.h"
#include "kernels/reference/lstm.h"

namespace thorax {

std::pair<Tensor, Tensor> lstm_cell(const Tensor& gates0, const Tensor& c_prev0) {
  autograd::check_compute(gates0, c_prev0, "lstm");
  const int64_t n = c_prev0.shape()[0], H = c_prev0.shape()[1];
  if (gates0.dim() != 2 || gates0.shape()[0] != n || gates0.shape()[1] != 4 * H)
    throw std::invalid_argument("lstm: gates " + shape_str(gates0.shape()) + " do not match a cell state " +
                                shape_str(c_prev0.shape()) + " (need (N, 4H))");
  Tensor gates = gates0.contiguous(), c_prev = c_prev0.contiguous();
  Tensor h = Tensor::empty({n, H}, gates.dtype()), c = Tensor::empty({n, H}, gates.dtype());
  Tensor act = Tensor::empty({n, 4 * H}, gates.dtype());
  if (autograd::is_double(gates))
    kernels::ref::lstm_cell_forward<double>(gates.data<double>(), c_prev.data<double>(), h.data<double>(),
                                            c.data<double>(), act.data<double>(), n, H);
  else
    kernels::lstm_cell_op().cpu().forward(gates.data<float>(), c_prev.data<float>(), h.data<float>(), c.data<float>(),
                                          act.data<float>(), n, H);
  if (autograd::any_requires_grad({gates0, c_prev0})) {
    Tensor sc = autograd::saved(c), sp = autograd::saved(c_prev);
    // Backward contract: from (dL/dh, dL/dc) assigns (dL/dgates, dL/dc_prev) with the fused kernel.
    autograd::record("lstm", {gates0, c_prev0}, {h, c}, [=](const std::vector<Tensor>& g) {
      Tensor gh = g[0].contiguous(), gc = g[1].contiguous();
      Tensor g_gates = Tensor::empty({n, 4 * H}, sc.dtype()), g_prev = Tensor::empty({n, H}, sc.dtype());
      if (autograd::is_double(sc))
        kernels::ref::lstm_cell_backward<double>(act.data<double>(), sp.data<double>(), sc.data<double>(),
                                                 gh.data<double>(), gc.data<double>(), g_gates.data<double>(),
                                                 g_prev.data<double>(), n, H);
      else
        kernels::lstm_cell_op().cpu().backward(act.data<float>(), sp.data<float>(), sc.data<float>(), gh.data<float>(),
                                               gc.data<float>(), g_gates.data<float>(), g_prev.data<float>(), n, H);
      return std::vector<Tensor>{g_gates, g_prev};
    });
  }
  return {h, c};
}

namespace {

struct LayerResult {
  Tensor seq, h_n, c_n;  // (T, N, H) hidden states in time order; the last processed step's h and c
};

template <class T>
T* ptr(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

// One layer in one direction, one graph node: inputs x (T, N, I), the four weights, h0 and c0 ((N, H)
// or undefined: zeros); outputs the hidden states and the final h and c. float32 runs the registry's
// CPU lstm_layer kernel, float64 the reference one.
LayerResult lstm_layer(const Tensor& x0, const LstmLayerWeights& w, const Tensor& h00, const Tensor& c00,
                       bool reverse) {
  Tensor x = x0.contiguous(), w_ih = w.w_ih.contiguous(), w_hh = w.w_hh.contiguous();
  Tensor h0 = h00.defined() ? h00.contiguous() : Tensor(), c0 = c00.defined() ? c00.contiguous() : Tensor();
  const int64_t T = x.shape()[0], N = x.shape()[1], I = x.shape()[2], H = w_hh.shape()[1];
  const kernels::LstmLayerDims d{T, N, I, H};
  const DType dt = x.dtype();
  Tensor bias;  // b_ih + b_hh as values only: their gradients come from this node
  if (w.b_ih.defined() && w.b_hh.defined()) {
    autograd::NoGrad no_grad;
    bias = add(w.b_ih, w.b_hh);
  } else if (w.b_ih.defined() || w.b_hh.defined()) {
    bias = (w.b_ih.defined() ? w.b_ih : w.b_hh).detach().contiguous();
  }
  Tensor h = Tensor::empty({T, N, H}, dt), c = Tensor::empty({T, N, H}, dt), act = Tensor::empty({T, N, 4 * H}, dt);
  if (autograd::is_double(x))
    kernels::ref::lstm_layer_forward<double>(x.data<double>(), w_ih.data<double>(), w_hh.data<double>(),
                                             ptr<double>(bias), ptr<double>(h0), ptr<double>(c0), h.data<double>(),
                                             c.data<double>(), act.data<double>(), d, reverse);
  else
    kernels::lstm_layer_op().cpu().forward(x.data<float>(), w_ih.data<float>(), w_hh.data<float>(), ptr<float>(bias),
                                           ptr<float>(h0), ptr<float>(c0), h.data<float>(), c.data<float>(),
                                           act.data<float>(), d, reverse);
  const int64_t last = reverse ? 0 : T - 1;
  LayerResult r{h, reshape(narrow(h, 0, last, 1), {N, H}).detach().clone(),
                reshape(narrow(c, 0, last, 1), {N, H}).detach().clone()};
  if (!autograd::any_requires_grad({x0, w.w_ih, w.w_hh, w.b_ih, w.b_hh, h00, c00})) return r;
  const bool need_x = x0.requires_grad(), need_ih = w.w_ih.requires_grad(), need_hh = w.w_hh.requires_grad();
  const bool need_bih = w.b_ih.defined() && w.b_ih.requires_grad(),
             need_bhh = w.b_hh.defined() && w.b_hh.requires_grad();
  const bool need_h0 = h00.defined() && h00.requires_grad(), need_c0 = c00.defined() && c00.requires_grad();
  Tensor sx = autograd::saved(x), sih = autograd::saved(w_ih), shh = autograd::saved(w_hh), sh0 = autograd::saved(h0),
         sc0 = autograd::saved(c0), sh = autograd::saved(h), sc = autograd::saved(c);
  const Shape ih_shape = w_ih.shape(), hh_shape = w_hh.shape();
  // Backward contract: from the gradients of the hidden states and of the final h and c (undefined: 0),
  // the gradients of x, both weights, both biases (equal: they enter as a sum), h0 and c0, assigned by
  // the kernel's backward.
  autograd::record(
      "lstm", {x0, w.w_ih, w.w_hh, w.b_ih, w.b_hh, h00, c00}, {r.seq, r.h_n, r.c_n}, [=](const std::vector<Tensor>& g) {
        const Tensor gh = g[0].defined() ? g[0].contiguous() : Tensor();
        const Tensor gh_n = g[1].defined() ? g[1].contiguous() : Tensor();
        const Tensor gc_n = g[2].defined() ? g[2].contiguous() : Tensor();
        auto maybe = [&](bool need, const Shape& shape) { return need ? Tensor::empty(shape, dt) : Tensor(); };
        Tensor gx = maybe(need_x, {T, N, I}), gih = maybe(need_ih, ih_shape), ghh = maybe(need_hh, hh_shape);
        Tensor gb = maybe(need_bih || need_bhh, {4 * H}), gh0 = maybe(need_h0, {N, H}), gc0 = maybe(need_c0, {N, H});
        if (dt == DType::f64)
          kernels::ref::lstm_layer_backward<double>(
              sx.data<double>(), sih.data<double>(), shh.data<double>(), ptr<double>(sh0), ptr<double>(sc0),
              sh.data<double>(), sc.data<double>(), act.data<double>(), ptr<double>(gh), ptr<double>(gh_n),
              ptr<double>(gc_n), ptr<double>(gx), ptr<double>(gih), ptr<double>(ghh), ptr<double>(gb), ptr<double>(gh0),
              ptr<double>(gc0), d, reverse);
        else
          kernels::lstm_layer_op().cpu().backward(sx.data<float>(), sih.data<float>(), shh.data<float>(),
                                                  ptr<float>(sh0), ptr<float>(sc0), sh.data<float>(), sc.data<float>(),
                                                  act.data<float>(), ptr<float>(gh), ptr<float>(gh_n), ptr<float>(gc_n),
                                                  ptr<float>(gx), ptr<float>(gih), ptr<float>(ghh), ptr<float>(gb),
                                                  ptr<float>(gh0), ptr<float>(gc0), d, reverse);
        // Each bias gets its own tensor: gradients accumulate into them separately.
        return std::vector<Tensor>{gx, gih, ghh, need_bih ? gb : Tensor(), need_bhh ? gb.clone() : Tensor(), gh0, gc0};
      });
  return r;
}

}  // namespace

LstmOutput lstm(const Tensor& x0, const std::vector<LstmLayerWeights>& weights, const LstmOptions& opt,
                const Tensor& h0, const Tensor& c0) {
  autograd::check_compute(x0, "lstm");
  if (x0.dim() != 3) throw std::invalid_argument("lstm: input must be 3-d (T, N, I), got " + shape_str(x0.shape()));
  const int64_t dirs = opt.bidirectional ? 2 : 1;
  if (opt.num_layers < 1 || static_cast<int64_t>(weights.size()) != opt.num_layers * dirs)
    throw std::invalid_argument("lstm: " + std::to_string(weights.size()) + " weight sets given for " +
                                std::to_string(opt.num_layers) + " layers x " + std::to_string(dirs) + " directions");
  Tensor x = opt.batch_first ? transpose(x0, 0, 1) : x0;  // (T, N, I)
  const int64_t n = x.shape()[1];
  const int64_t H = weights[0].w_hh.shape()[1];
  Shape state_shape{opt.num_layers * dirs, n, H};
  for (const Tensor* s : {&h0, &c0})
    if (s->defined() && s->shape() != state_shape)
      throw std::invalid_argument("lstm: initial state must be " + shape_str(state_shape) + ", got " + shape_str(s->shape()));
  std::vector<Tensor> h_last, c_last;
  Tensor layer_in = x;
  for (int64_t layer = 0; layer < opt.num_layers; ++layer) {
    std::vector<Tensor> dir_outputs;
    for (int64_t d = 0; d < dirs; ++d) {
      const LstmLayerWeights& w = weights[static_cast<size_t>(layer * dirs + d)];
      if (w.w_ih.dim() != 2 || w.w_ih.shape()[0] != 4 * H || w.w_ih.shape()[1] != layer_in.shape()[2] ||
          w.w_hh.shape() != Shape{4 * H, H})
        throw std::invalid_argument("lstm: layer " + std::to_string(layer) + " weights " + shape_str(w.w_ih.shape()) +
                                    " / " + shape_str(w.w_hh.shape()) + " do not fit input size " +
                                    std::to_string(layer_in.shape()[2]) + " and hidden size " + std::to_string(H));
      const int64_t s = layer * dirs + d;
      const Tensor hs = h0.defined() ? reshape(narrow(h0, 0, s, 1), {n, H}) : Tensor();
      const Tensor cs = c0.defined() ? reshape(narrow(c0, 0, s, 1), {n, H}) : Tensor();
      LayerResult r = lstm_layer(layer_in, w, hs, cs, d == 1);
      dir_outputs.push_back(r.seq);  // (T, N, H)
      h_last.push_back(r.h_n);
      c_last.push_back(r.c_n);
    }
    layer_in = dirs == 1 ? dir_outputs[0] : cat(dir_outputs, 2);
  }
  LstmOutput out;
  out.output = opt.batch_first ? transpose(layer_in, 0, 1) : layer_in;
  out.h_n = stack(h_last, 0);
  out.c_n = stack(c_last, 0);
  return out;
}

}  // namespace thorax
