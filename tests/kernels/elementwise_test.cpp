// Every version of every elementwise kernel against the reference, forward and backward.
#include <doctest/doctest.h>

#include "kernels/elementwise.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

namespace {

// Inputs inside each function's domain (log, sqrt, rsqrt and pow need positive values).
std::vector<float> inputs_for(UnaryOp op, int64_t n, uint64_t seed) {
  bool positive = op == UnaryOp::log || op == UnaryOp::sqrt || op == UnaryOp::rsqrt || op == UnaryOp::pow_scalar;
  auto x = positive ? random_floats(n, seed, 0.1f, 4.0f) : random_floats(n, seed);
  if (op == UnaryOp::relu6 || op == UnaryOp::hardswish)
    for (auto& v : x) v *= 4.0f;  // reach both bends
  return x;
}

UnaryParams params_for(UnaryOp op) {
  if (op == UnaryOp::clamp) return {-0.5, 0.7};
  if (op == UnaryOp::leaky_relu) return {0.2, 0};
  if (op == UnaryOp::pow_scalar) return {2.5, 0};
  return {};
}

}  // namespace

TEST_CASE("unary kernels: every version matches the reference, forward and backward") {
  // Sizes: 1, odd, below and above the parallel threshold.
  const int64_t sizes[] = {1, 7, 33, 1000, 70001};
  for (int i = 0; i < kUnaryOpCount; ++i) {
    const UnaryOp u = static_cast<UnaryOp>(i);
    const auto& op = unary_op(u);
    const UnaryParams p = params_for(u);
    for (const auto& v : op.versions) {
      for (int64_t n : sizes) {
        auto x = inputs_for(u, n, 100 + static_cast<uint64_t>(n));
        auto gy = random_floats(n, 7 + static_cast<uint64_t>(n));
        std::vector<float> y_ref(n), y(n), gx_ref(n), gx(n);
        op.reference().fn.forward(x.data(), y_ref.data(), n, p);
        v.fn.forward(x.data(), y.data(), n, p);
        op.reference().fn.backward(x.data(), y_ref.data(), gy.data(), gx_ref.data(), n, p);
        v.fn.backward(x.data(), y_ref.data(), gy.data(), gx.data(), n, p);
        const std::string what = op.name + "/" + v.name + " n=" + std::to_string(n);
        expect_close(y, y_ref, {1e-6, 2e-6}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 2e-6}, what + " backward");
      }
      passed(op, v);
    }
  }
}

TEST_CASE("binary kernels: every version matches the reference on broadcast and strided layouts") {
  struct Layout {
    int ndim;
    std::vector<int64_t> shape, sa, sb;
  };
  // Strides are in elements; 0 broadcasts. The last case reads `a` transposed (strides 1, rows).
  const std::vector<Layout> layouts = {
      {0, {}, {}, {}},
      {1, {37}, {1}, {1}},
      {1, {37}, {1}, {0}},
      {2, {5, 9}, {0, 1}, {9, 1}},
      {3, {4, 3, 6}, {18, 6, 1}, {0, 1, 0}},
      {2, {6, 5}, {1, 6}, {5, 1}},
      {2, {300, 257}, {257, 1}, {0, 1}},
  };
  for (int i = 0; i < kBinaryOpCount; ++i) {
    const BinaryOp b = static_cast<BinaryOp>(i);
    const auto& op = binary_op(b);
    for (const auto& v : op.versions) {
      for (const Layout& L : layouts) {
        BinaryArgs<float> g;
        g.ndim = L.ndim;
        int64_t total = 1, span_a = 1, span_b = 1;
        for (int d = 0; d < L.ndim; ++d) {
          g.shape[d] = L.shape[d];
          g.a_strides[d] = L.sa[d];
          g.b_strides[d] = L.sb[d];
          total *= L.shape[d];
          span_a += (L.shape[d] - 1) * L.sa[d];
          span_b += (L.shape[d] - 1) * L.sb[d];
        }
        bool positive = b == BinaryOp::pow;
        auto a = positive ? random_floats(span_a, 3, 0.2f, 3.0f) : random_floats(span_a, 3);
        auto c = b == BinaryOp::div ? random_floats(span_b, 4, 0.5f, 2.0f) : random_floats(span_b, 4);
        std::vector<float> out_ref(total), out(total);
        g.a = a.data();
        g.b = c.data();
        g.out = out_ref.data();
        op.reference().fn(g);
        g.out = out.data();
        v.fn(g);
        expect_close(out, out_ref, {1e-6, 2e-6}, op.name + "/" + v.name + " ndim=" + std::to_string(L.ndim));
      }
      passed(op, v);
    }
  }
}
