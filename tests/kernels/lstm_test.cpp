// Every LSTM cell kernel version against the reference, with and without incoming gradients.
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
