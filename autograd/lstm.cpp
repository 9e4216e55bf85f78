#include "autograd/lstm.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/matmul.h"
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

LstmOutput lstm(const Tensor& x0, const std::vector<LstmLayerWeights>& weights, const LstmOptions& opt,
                const Tensor& h0, const Tensor& c0) {
  autograd::check_compute(x0, "lstm");
  if (x0.dim() != 3) throw std::invalid_argument("lstm: input must be 3-d (T, N, I), got " + shape_str(x0.shape()));
  const int64_t dirs = opt.bidirectional ? 2 : 1;
  if (opt.num_layers < 1 || static_cast<int64_t>(weights.size()) != opt.num_layers * dirs)
    throw std::invalid_argument("lstm: " + std::to_string(weights.size()) + " weight sets given for " +
                                std::to_string(opt.num_layers) + " layers x " + std::to_string(dirs) + " directions");
  Tensor x = opt.batch_first ? transpose(x0, 0, 1) : x0;  // (T, N, I)
  const int64_t T = x.shape()[0], n = x.shape()[1];
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
      // All time steps' input projections in one GEMM: (T, N, 4H).
      Tensor proj = linear(layer_in, w.w_ih, w.b_ih);
      if (w.b_hh.defined()) proj = add(proj, w.b_hh);
      const int64_t s = layer * dirs + d;
      Tensor h = h0.defined() ? narrow(h0, 0, s, 1) : Tensor::zeros({1, n, H}, x.dtype());
      Tensor c = c0.defined() ? narrow(c0, 0, s, 1) : Tensor::zeros({1, n, H}, x.dtype());
      h = reshape(h, {n, H});
      c = reshape(c, {n, H});
      std::vector<Tensor> hs(static_cast<size_t>(T));
      for (int64_t k = 0; k < T; ++k) {
        const int64_t t = d == 0 ? k : T - 1 - k;
        Tensor gates = add(reshape(narrow(proj, 0, t, 1), {n, 4 * H}), linear(h, w.w_hh));
        std::tie(h, c) = lstm_cell(gates, c);
        hs[static_cast<size_t>(t)] = h;
      }
      dir_outputs.push_back(stack(hs, 0));  // (T, N, H)
      h_last.push_back(h);
      c_last.push_back(c);
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
