// Every GEMM version against the plain-loop reference on awkward shapes, and against Eigen (an
// independent oracle) on shapes too large for the loops to be quick.
#include <doctest/doctest.h>

#include <omp.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/gemm_packed.h"
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

std::string describe(Shape3 s) { return std::to_string(s.M) + "x" + std::to_string(s.N) + "x" + std::to_string(s.K); }

// Shapes that cross every edge of a packed GEMM's blocking: one past a register tile and a cache block
// in each of M, N, K, several blocks plus a ragged tail, K = 1, and very thin or tall operands.
std::vector<Shape3> blocking_edges(const cpu::GemmBlocking& b) {
  return {{b.mc + 1, b.nr + 1, b.kc + 1},
          {2 * b.mc + b.mr - 1, 3 * b.nr - 1, 2 * b.kc + 3},
          {b.mr - 1, b.nc + b.nr + 1, 2},
          {b.mr + 1, 2 * b.nr + 5, 1},
          {1, 3 * b.nr + 7, b.kc + 9},
          {3 * b.mc + 2, 1, b.kc - 1},
          {2, 3, 2 * b.kc + 1}};
}

}  // namespace

TEST_CASE("gemm: every version matches the reference (transposes, padding, alpha/beta, beta=0 over NaN)") {
  std::vector<Shape3> shapes = {{1, 1, 1}, {7, 5, 3}, {1, 9, 4}, {33, 17, 65}, {64, 64, 64}, {5, 130, 1}, {70, 3, 33}};
  for (const auto* b : {&cpu::kGemmAvx2Blocking, &cpu::kGemmAvx512Blocking})
    for (const Shape3& s : blocking_edges(*b)) shapes.push_back(s);
  // The reference runs once per case; every version (the reference included) is compared with it.
  const auto& op = gemm_op();
  for (const Shape3& s : shapes)
    for (int t = 0; t < 4; ++t)
      for (int64_t pad : {0, 3}) {
        const bool ta = t & 1, tb = t & 2;
        const int64_t rows_a = ta ? s.K : s.M, rows_b = tb ? s.N : s.K;
        auto A = random_floats(rows_a * ((ta ? s.M : s.K) + pad), 1);
        auto B = random_floats(rows_b * ((tb ? s.K : s.N) + pad), 2);
        auto C = random_floats(s.M * (s.N + pad), 3);
        // beta = 0 must ignore whatever C held, NaN included.
        std::vector<float> nan_c(C.size(), std::numeric_limits<float>::quiet_NaN());
        const auto expect = run(op.reference().fn, ta, tb, s, 0.7f, 0.3f, pad, A, B, C);
        const auto expect_beta0 = run(op.reference().fn, ta, tb, s, 1.0f, 0.0f, pad, A, B, nan_c);
        for (const auto& v : op.versions) {
          std::string what = op.name + "/" + v.name + " " + describe(s) + " ta=" + std::to_string(ta) +
                             " tb=" + std::to_string(tb) + " pad=" + std::to_string(pad);
          expect_close(run(v.fn, ta, tb, s, 0.7f, 0.3f, pad, A, B, C), expect, {1e-5, 1e-5}, what);
          expect_close(run(v.fn, ta, tb, s, 1.0f, 0.0f, pad, A, B, nan_c), expect_beta0, {1e-5, 1e-5},
                       what + " beta=0");
        }
      }
  for (const auto& v : op.versions) passed(op, v);
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

TEST_CASE("gemm: every version gives the same bits on 1 and 2 threads, and inside a parallel region") {
  // The header promises a summation order independent of the thread count; conv2d calls the GEMM from
  // inside its own batch-parallel loop, where it must run on the calling thread.
  const Shape3 s{301, 257, 419};
  auto A = random_floats(s.M * s.K, 31), B = random_floats(s.K * s.N, 32);
  const int saved = omp_get_max_threads();
  for (const auto& v : gemm_op().versions) {
    if (v.backend == Backend::Reference) continue;  // too slow here, and single-threaded anyway
    std::vector<float> by_threads[2];
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      auto& C = by_threads[threads - 1];
      C.assign(static_cast<size_t>(s.M * s.N), 0.0f);
      v.fn(false, false, s.M, s.N, s.K, 1.0f, A.data(), s.K, B.data(), s.N, 0.0f, C.data(), s.N);
    }
    omp_set_num_threads(saved);
    CHECK_MESSAGE(std::memcmp(by_threads[0].data(), by_threads[1].data(), by_threads[0].size() * sizeof(float)) == 0,
                  "gemm/" << v.name << " " << describe(s) << ": 1 and 2 threads differ");
    // Two GEMMs at once, one per thread of an enclosing team, each on its own half of the rows.
    std::vector<float> nested(static_cast<size_t>(s.M * s.N), 0.0f);
    const int64_t half = s.M / 2;
#pragma omp parallel for num_threads(2)
    for (int part = 0; part < 2; ++part) {
      const int64_t m0 = part == 0 ? 0 : half, rows = part == 0 ? half : s.M - half;
      v.fn(false, false, rows, s.N, s.K, 1.0f, A.data() + m0 * s.K, s.K, B.data(), s.N, 0.0f,
           nested.data() + m0 * s.N, s.N);
    }
    CHECK_MESSAGE(std::memcmp(nested.data(), by_threads[0].data(), nested.size() * sizeof(float)) == 0,
                  "gemm/" << v.name << ": calls from inside a parallel region differ from a lone call");
  }
}
