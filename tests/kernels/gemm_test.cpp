// Every GEMM version against the plain-loop reference on awkward shapes, and against Eigen (an
// independent oracle) on shapes too large for the loops to be quick.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "kernels/gemm.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

namespace {

struct Shape3 {
  int64_t M, N, K;
};

// Runs `fn` on A, B with padded leading dimensions (ld = cols + pad) so strided rows are exercised.
std::vector<float> run(GemmFn<float> fn, bool ta, bool tb, Shape3 s, float alpha, float beta, int64_t pad,
                       const std::vector<float>& A, const std::vector<float>& B, std::vector<float> C) {
  const int64_t lda = (ta ? s.M : s.K) + pad, ldb = (tb ? s.K : s.N) + pad, ldc = s.N + pad;
  fn(ta, tb, s.M, s.N, s.K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
  return C;
}

}  // namespace

TEST_CASE("gemm: every version matches the reference (transposes, padding, alpha/beta, beta=0 over NaN)") {
  const Shape3 shapes[] = {{1, 1, 1}, {7, 5, 3}, {1, 9, 4}, {33, 17, 65}, {64, 64, 64}, {5, 130, 1}, {70, 3, 33}};
  const auto& op = gemm_op();
  for (const auto& v : op.versions) {
    for (const Shape3& s : shapes)
      for (int t = 0; t < 4; ++t)
        for (int64_t pad : {0, 3}) {
          const bool ta = t & 1, tb = t & 2;
          const int64_t rows_a = ta ? s.K : s.M, rows_b = tb ? s.N : s.K;
          auto A = random_floats(rows_a * ((ta ? s.M : s.K) + pad), 1);
          auto B = random_floats(rows_b * ((tb ? s.K : s.N) + pad), 2);
          auto C = random_floats(s.M * (s.N + pad), 3);
          std::string what = op.name + "/" + v.name + " " + std::to_string(s.M) + "x" + std::to_string(s.N) + "x" +
                             std::to_string(s.K) + " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                             " pad=" + std::to_string(pad);
          expect_close(run(v.fn, ta, tb, s, 0.7f, 0.3f, pad, A, B, C),
                       run(op.reference().fn, ta, tb, s, 0.7f, 0.3f, pad, A, B, C), {1e-5, 1e-5}, what);
          // beta = 0 must ignore whatever C held, NaN included.
          std::vector<float> nan_c(C.size(), std::numeric_limits<float>::quiet_NaN());
          expect_close(run(v.fn, ta, tb, s, 1.0f, 0.0f, pad, A, B, nan_c),
                       run(op.reference().fn, ta, tb, s, 1.0f, 0.0f, pad, A, B, nan_c), {1e-5, 1e-5}, what + " beta=0");
        }
    passed(op, v);
  }
}

TEST_CASE("gemm: every version matches Eigen on a large odd shape") {
  const int64_t M = 301, N = 257, K = 419;
  auto A = random_floats(M * K, 21), B = random_floats(K * N, 22);
  using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMat> ea(A.data(), M, K), eb(B.data(), K, N);
  RowMat ec = (ea.cast<double>() * eb.cast<double>()).cast<float>();
  std::vector<float> expect(ec.data(), ec.data() + M * N);
  for (const auto& v : gemm_op().versions) {
    std::vector<float> C(M * N, 0.0f);
    v.fn(false, false, M, N, K, 1.0f, A.data(), K, B.data(), N, 0.0f, C.data(), N);
    expect_close(C, expect, {1e-4, 1e-5}, "gemm/" + v.name + " vs Eigen");
  }
}
