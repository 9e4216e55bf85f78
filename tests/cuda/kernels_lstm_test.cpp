// Transpose (naive, tiled) and the LSTM (fused cell kernels, whole layer forward and backward on sgemm_tiled)
// in the emulator, against plain loops and kernels/reference's LSTM in double.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/cuda/emu/emulator.h"
#include "kernels/cuda/lstm.h"
#include "kernels/cuda/transpose.h"
#include "kernels/reference/lstm.h"
#include "tests/cuda/check.h"

using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;
using thorax::cuda::test::CheckScope;
using thorax::cuda::test::to_double;
using thorax::cuda::test::values;

TEST_CASE("cuda transpose (naive, tiled) matches a plain loop, padding untouched") {
  const std::int64_t shapes[][2] = {{1, 1}, {13, 21}, {40, 3}};
  int k = 0;
  for (auto& rc : shapes) {
    const std::int64_t rows = rc[0], cols = rc[1], ld_in = cols + 2, ld_out = rows + 3;
    std::vector<float> in = values(rows * ld_in, k);
    std::vector<double> want(cols * ld_out, -5.0);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) want[c * ld_out + r] = in[r * ld_in + c];
    auto run = [&](const char* what, auto transpose) {
      CAPTURE(rows);
      CAPTURE(cols);
      ScopedSchedule scope(k % 2 ? Schedule::reverse : Schedule::shuffle, static_cast<std::uint64_t>(k));
      CheckScope check;
      std::vector<float> out(cols * ld_out, -5.0f);
      transpose(out.data());
      check.close(what, out, want, 0, 0);
    };
    run("naive 16x16", [&](float* out) { thorax::cuda::transpose_naive(in.data(), rows, cols, ld_in, out, ld_out); });
    run("naive 8x4", [&](float* out) { thorax::cuda::transpose_naive(in.data(), rows, cols, ld_in, out, ld_out, 8, 4); });
    run("tiled 8", [&](float* out) { thorax::cuda::transpose_tiled(in.data(), rows, cols, ld_in, out, ld_out, 8); });
    run("tiled 16", [&](float* out) { thorax::cuda::transpose_tiled(in.data(), rows, cols, ld_in, out, ld_out, 16); });
    ++k;
  }
}

TEST_CASE("cuda LSTM layer forward and backward (fused cell + GEMMs) match kernels/reference") {
  const thorax::kernels::LstmLayerDims dims{3, 2, 5, 7};  // T, N, I, H: 4H = 28, not a multiple of the tiles
  const thorax::cuda::LstmShape d{dims.T, dims.N, dims.I, dims.H};
  const std::int64_t G = 4 * d.H, NH = d.N * d.H;
  int k = 0;
  for (bool reverse : {false, true})
    for (bool initial_state : {true, false}) {
      const thorax::cuda::LstmLaunch cfg = k % 2 ? thorax::cuda::LstmLaunch{16, {64, 0}} : thorax::cuda::LstmLaunch{8, {32, 1}};
      CAPTURE(reverse);
      CAPTURE(initial_state);
      CAPTURE(cfg.gemm_tile);
      std::vector<float> x = values(d.T * d.N * d.I, 1 + k), w_ih = values(G * d.I, 2), w_hh = values(G * d.H, 3);
      std::vector<float> bias = values(G, 4), h0 = values(NH, 5), c0 = values(NH, 6), gh = values(d.T * NH, 7);
      std::vector<float> gh_n = values(NH, 8), gc_n = values(NH, 9);
      const float* h0p = initial_state ? h0.data() : nullptr;
      const float* c0p = initial_state ? c0.data() : nullptr;
      std::vector<double> xd = to_double(x), wihd = to_double(w_ih), whhd = to_double(w_hh), bd = to_double(bias),
                          h0d = to_double(h0), c0d = to_double(c0), ghd = to_double(gh), ghnd = to_double(gh_n),
                          gcnd = to_double(gc_n);
      const double* h0dp = initial_state ? h0d.data() : nullptr;
      const double* c0dp = initial_state ? c0d.data() : nullptr;
      std::vector<double> h_want(d.T * NH), c_want(d.T * NH), act_want(d.T * d.N * G), gx_want(x.size()),
          gwih_want(w_ih.size()), gwhh_want(w_hh.size()), gb_want(G), gh0_want(NH), gc0_want(NH);
      thorax::kernels::ref::lstm_layer_forward(xd.data(), wihd.data(), whhd.data(), bd.data(), h0dp, c0dp, h_want.data(),
                                               c_want.data(), act_want.data(), dims, reverse);
      thorax::kernels::ref::lstm_layer_backward(xd.data(), wihd.data(), whhd.data(), h0dp, c0dp, h_want.data(),
                                                c_want.data(), act_want.data(), ghd.data(), ghnd.data(), gcnd.data(),
                                                gx_want.data(), gwih_want.data(), gwhh_want.data(), gb_want.data(),
                                                gh0_want.data(), gc0_want.data(), dims, reverse);
      ScopedSchedule scope(k % 2 ? Schedule::shuffle : Schedule::forward, static_cast<std::uint64_t>(k));
      ++k;
      CheckScope check;
      std::vector<float> h(d.T * NH, NAN), c(d.T * NH, NAN), act(d.T * d.N * G, NAN);
      std::vector<float> ws(thorax::cuda::lstm_forward_workspace(d), NAN);
      thorax::cuda::lstm_layer_forward(x.data(), w_ih.data(), w_hh.data(), bias.data(), h0p, c0p, h.data(), c.data(),
                                       act.data(), d, reverse, ws.data(), cfg);
      check.close("h", h, h_want, 1e-5, 1e-6);
      check.close("c", c, c_want, 1e-5, 1e-6);
      check.close("act", act, act_want, 1e-5, 1e-6);
      std::vector<float> gx(x.size(), NAN), gwih(w_ih.size(), NAN), gwhh(w_hh.size(), NAN), gb(G, NAN), gh0(NH, NAN),
          gc0(NH, NAN), wsb(thorax::cuda::lstm_backward_workspace(d), NAN);
      thorax::cuda::lstm_layer_backward(x.data(), w_ih.data(), w_hh.data(), h0p, c0p, h.data(), c.data(), act.data(),
                                        gh.data(), gh_n.data(), gc_n.data(), gx.data(), gwih.data(), gwhh.data(),
                                        gb.data(), gh0.data(), gc0.data(), d, reverse, wsb.data(), cfg);
      check.close("gx", gx, gx_want, 1e-4, 1e-5);
      check.close("gw_ih", gwih, gwih_want, 1e-4, 1e-5);
      check.close("gw_hh", gwhh, gwhh_want, 1e-4, 1e-5);
      check.close("gbias", gb, gb_want, 1e-4, 1e-5);
      check.close("gh0", gh0, gh0_want, 1e-4, 1e-5);
      check.close("gc0", gc0, gc0_want, 1e-4, 1e-5);
    }
}
