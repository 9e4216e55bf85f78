// Every version of the loss kernels (BCE, cross-entropy, NT-Xent) against the reference.
#include <doctest/doctest.h>

#include <cmath>

#include "kernels/loss.h"
#include "kernels/nt_xent.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("bce_with_logits kernels: every version, with and without pos_weight and weights") {
  const auto& op = bce_with_logits_op();
  for (const auto& v : op.versions) {
    for (int64_t classes : {1, 7, 14}) {
      const int64_t n = classes * 2501;  // above the parallel threshold
      auto x = random_floats(n, 1);
      for (auto& e : x) e *= 8.0f;  // large logits exercise the stable softplus
      auto t = random_floats(n, 2, 0.0f, 1.0f);
      auto pw = random_floats(classes, 3, 0.5f, 4.0f);
      auto w = random_floats(n, 4, 0.0f, 2.0f);
      auto g = random_floats(n, 5);
      for (bool weighted : {false, true}) {
        BceArgs<float> a{x.data(), t.data(), weighted ? pw.data() : nullptr, weighted ? w.data() : nullptr, n, classes};
        std::vector<float> l_ref(n), l(n), gx_ref(n), gx(n);
        op.reference().fn.forward(a, l_ref.data());
        v.fn.forward(a, l.data());
        op.reference().fn.backward(a, g.data(), gx_ref.data());
        v.fn.backward(a, g.data(), gx.data());
        std::string what = op.name + "/" + v.name + " classes=" + std::to_string(classes) + (weighted ? " weighted" : "");
        expect_close(l, l_ref, {1e-6, 1e-6}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 1e-6}, what + " backward");
      }
    }
    passed(op, v);
  }
}

TEST_CASE("cross_entropy kernels: every version, weights, smoothing, ignored rows") {
  const auto& op = cross_entropy_op();
  for (const auto& v : op.versions) {
    for (auto [n, c] : {std::pair<int64_t, int64_t>{1, 2}, {9, 4}, {257, 15}, {3000, 10}}) {
      auto x = random_floats(n * c, 11);
      for (auto& e : x) e *= 5.0f;
      std::vector<int64_t> y(n);
      for (int64_t i = 0; i < n; ++i) y[i] = (i * 7 + 3) % c;
      if (n > 2) y[1] = -100;  // ignored
      auto w = random_floats(c, 12, 0.2f, 3.0f);
      auto g = random_floats(n, 13);
      for (double eps : {0.0, 0.2}) {
        CrossEntropyArgs<float> a{x.data(), y.data(), eps > 0 ? w.data() : nullptr, eps, -100, n, c};
        std::vector<float> l_ref(n), l(n), gx_ref(n * c), gx(n * c);
        op.reference().fn.forward(a, l_ref.data());
        v.fn.forward(a, l.data());
        op.reference().fn.backward(a, g.data(), gx_ref.data());
        v.fn.backward(a, g.data(), gx.data());
        std::string what = op.name + "/" + v.name + " n=" + std::to_string(n) + " c=" + std::to_string(c);
        expect_close(l, l_ref, {1e-5, 1e-5}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 1e-5}, what + " backward");
      }
    }
    passed(op, v);
  }
}

TEST_CASE("nt_xent kernels: every version, forward loss and backward gradient") {
  const auto& op = nt_xent_op();
  for (const auto& v : op.versions) {
    for (auto [n2, d] : {std::pair<int64_t, int64_t>{2, 1}, {6, 5}, {34, 17}, {130, 33}}) {
      for (double tau : {0.1, 0.5}) {
        auto z = random_floats(n2 * d, 21 + static_cast<uint64_t>(n2));
        float l_ref = op.reference().fn.forward(z.data(), n2, d, tau);
        float l = v.fn.forward(z.data(), n2, d, tau);
        std::vector<float> gz_ref(n2 * d), gz(n2 * d, 77.0f);
        const float l_ref2 = op.reference().fn.forward_backward(z.data(), n2, d, tau, 0.7f, gz_ref.data());
        const float l2 = v.fn.forward_backward(z.data(), n2, d, tau, 0.7f, gz.data());
        std::string what = op.name + "/" + v.name + " 2N=" + std::to_string(n2) + " d=" + std::to_string(d);
        expect_close({l}, {l_ref}, {1e-5, 1e-5}, what + " forward");
        expect_close({l2}, {l_ref2}, {1e-5, 1e-5}, what + " forward_backward's loss");
        expect_close(gz, gz_ref, {1e-6, 1e-4}, what + " backward");
      }
    }
    passed(op, v);
  }
}
