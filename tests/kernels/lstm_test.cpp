// Every LSTM cell and LSTM layer kernel version against the reference, with and without incoming
// gradients, initial states and bias, in both directions.
#include <doctest/doctest.h>

#include "kernels/lstm.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("lstm_cell kernels: every version matches the reference") {
  const auto& op = lstm_cell_op();
  for (const auto& v : op.versions) {
    for (auto [n, H] : {std::pair<int64_t, int64_t>{1, 1}, {3, 7}, {5, 33}, {64, 160}}) {
      auto gates = random_floats(n * 4 * H, 1), c_prev = random_floats(n * H, 2);
      for (auto& g : gates) g *= 2.0f;
      std::vector<float> h_ref(n * H), c_ref(n * H), a_ref(n * 4 * H), h(n * H), c(n * H), a(n * 4 * H);
      op.reference().fn.forward(gates.data(), c_prev.data(), h_ref.data(), c_ref.data(), a_ref.data(), n, H);
      v.fn.forward(gates.data(), c_prev.data(), h.data(), c.data(), a.data(), n, H);
      std::string what = op.name + "/" + v.name + " n=" + std::to_string(n) + " H=" + std::to_string(H);
      expect_close(h, h_ref, {1e-6, 1e-5}, what + " h");
      expect_close(c, c_ref, {1e-6, 1e-5}, what + " c");
      expect_close(a, a_ref, {1e-6, 1e-5}, what + " gates");
      auto gh = random_floats(n * H, 3), gc = random_floats(n * H, 4);
      for (int which = 0; which < 3; ++which) {  // both gradients, only dh, only dc
        const float* pgh = which == 2 ? nullptr : gh.data();
        const float* pgc = which == 1 ? nullptr : gc.data();
        std::vector<float> gg_ref(n * 4 * H), gcp_ref(n * H), gg(n * 4 * H), gcp(n * H);
        op.reference().fn.backward(a_ref.data(), c_prev.data(), c_ref.data(), pgh, pgc, gg_ref.data(), gcp_ref.data(), n, H);
        v.fn.backward(a_ref.data(), c_prev.data(), c_ref.data(), pgh, pgc, gg.data(), gcp.data(), n, H);
        expect_close(gg, gg_ref, {1e-6, 1e-5}, what + " d gates");
        expect_close(gcp, gcp_ref, {1e-6, 1e-5}, what + " d c_prev");
      }
    }
    passed(op, v);
  }
}

TEST_CASE("lstm_layer kernels: every version matches the reference (direction, initial state, bias, gradients)") {
  const auto& op = lstm_layer_op();
  struct Shape4 {
    int64_t T, N, I, H;
  };
  for (const auto& v : op.versions) {
    for (Shape4 s : {Shape4{1, 1, 1, 1}, Shape4{3, 2, 5, 4}, Shape4{5, 3, 7, 17}, Shape4{6, 8, 20, 33}})
      for (int variant = 0; variant < 4; ++variant) {
        // variant bit 0: reverse; bit 1: h0, c0, bias and the final-state gradients given.
        const bool reverse = variant & 1, full = variant & 2;
        const LstmLayerDims d{s.T, s.N, s.I, s.H};
        const int64_t G = 4 * s.H, TN = s.T * s.N, NH = s.N * s.H;
        auto x = random_floats(TN * s.I, 11), w_ih = random_floats(G * s.I, 12), w_hh = random_floats(G * s.H, 13);
        auto bias = random_floats(G, 14), h0 = random_floats(NH, 15), c0 = random_floats(NH, 16);
        for (auto* w : {&w_ih, &w_hh})
          for (auto& e : *w) e *= 0.3f;
        const float* pb = full ? bias.data() : nullptr;
        const float* ph0 = full ? h0.data() : nullptr;
        const float* pc0 = full ? c0.data() : nullptr;
        std::vector<float> h(TN * s.H, 5.0f), c(TN * s.H, 5.0f), a(TN * G, 5.0f);
        std::vector<float> h_ref(h.size()), c_ref(c.size()), a_ref(a.size());
        op.reference().fn.forward(x.data(), w_ih.data(), w_hh.data(), pb, ph0, pc0, h_ref.data(), c_ref.data(),
                                  a_ref.data(), d, reverse);
        v.fn.forward(x.data(), w_ih.data(), w_hh.data(), pb, ph0, pc0, h.data(), c.data(), a.data(), d, reverse);
        const std::string what = op.name + "/" + v.name + " T" + std::to_string(s.T) + " N" + std::to_string(s.N) +
                                 " I" + std::to_string(s.I) + " H" + std::to_string(s.H) + (reverse ? " reverse" : "") +
                                 (full ? " with h0, c0, bias" : "");
        expect_close(h, h_ref, {1e-5, 1e-5}, what + " h");
        expect_close(c, c_ref, {1e-5, 1e-5}, what + " c");
        expect_close(a, a_ref, {1e-5, 1e-5}, what + " gates");
        auto gh = random_floats(TN * s.H, 17), gh_n = random_floats(NH, 18), gc_n = random_floats(NH, 19);
        const float* pgh_n = full ? gh_n.data() : nullptr;
        const float* pgc_n = full ? gc_n.data() : nullptr;
        auto run = [&](const auto& k, std::vector<std::vector<float>>& out) {
          out = {std::vector<float>(TN * s.I, 3.0f), std::vector<float>(G * s.I, 3.0f),
                 std::vector<float>(G * s.H, 3.0f),  std::vector<float>(G, 3.0f),
                 std::vector<float>(NH, 3.0f),       std::vector<float>(NH, 3.0f)};
          k.backward(x.data(), w_ih.data(), w_hh.data(), ph0, pc0, h_ref.data(), c_ref.data(), a_ref.data(), gh.data(),
                     pgh_n, pgc_n, out[0].data(), out[1].data(), out[2].data(), out[3].data(), out[4].data(),
                     out[5].data(), d, reverse);
        };
        std::vector<std::vector<float>> got, ref;
        run(v.fn, got);
        run(op.reference().fn, ref);
        const char* names[] = {" gx", " gw_ih", " gw_hh", " gbias", " gh0", " gc0"};
        for (int i = 0; i < 6; ++i) expect_close(got[i], ref[i], {1e-5, 1e-5}, what + names[i]);
      }
    passed(op, v);
  }
}
