// The CUDA kernels of kernels/cuda/*.cu, run through the emulator on small awkward shapes (sizes that are not
// multiples of the block size) and several launch configurations and schedules, against plain CPU loops.
// Each comparison is made inside a CheckScope (check.h), which records the kernels it checked for the
// registry meta-test (registry_test.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/emu/emulator.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/reduce.h"
#include "kernels/reference/gemm.h"
#include "tests/cuda/check.h"

using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;

namespace {

const Schedule kAll[] = {Schedule::forward, Schedule::reverse, Schedule::shuffle, Schedule::concurrent};

using thorax::cuda::test::CheckScope;
using thorax::cuda::test::values;

std::string shape_name(LaunchShape s) { return std::to_string(s.grid) + "x" + std::to_string(s.block); }

}  // namespace

TEST_CASE("cuda add_f32 (grid-stride) matches a + b exactly") {
  const LaunchShape shapes[] = {{32, 0}, {96, 3}, {256, 0}, {1, 1}, {1024, 2}};
  for (std::int64_t n : {0, 1, 31, 97, 1000, 4099})
    for (LaunchShape shape : shapes) {
      if (shape.block == 1024 && n > 100) continue;  // 1024 OS threads per block: kept to one small case
      std::vector<float> a = values(n, 1), b = values(n, 2), out(n, -7.0f), want(n);
      for (std::int64_t i = 0; i < n; ++i) want[i] = a[i] + b[i];
      ScopedSchedule scope(n % 2 ? Schedule::shuffle : Schedule::forward, static_cast<std::uint64_t>(n));
      CheckScope check;
      thorax::cuda::add_f32(a.data(), b.data(), out.data(), n, shape);
      CAPTURE(n);
      CAPTURE(shape_name(shape));
      check.close("out", out, want, 0.0, 0.0);
    }
  std::vector<float> a = values(77, 3), b = values(77, 4), out(77);
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 9);
    thorax::cuda::add_f32(a.data(), b.data(), out.data(), 77, {32, 2});
    for (int i = 0; i < 77; ++i) REQUIRE(out[i] == a[i] + b[i]);
  }
}

TEST_CASE("cuda reduce_sum (shared, warp, atomic) matches a double-precision loop") {
  for (std::int64_t n : {1, 33, 1000, 5003}) {
    std::vector<float> x = values(n, 5);
    double want = 0, scale = 0;
    for (float v : x) want += v, scale += std::fabs(v);
    auto check = [&](const char* version, LaunchShape shape, Schedule s, auto run) {
      // A derived grid on the largest n means ~100-150 blocks of OS threads: one schedule is enough there.
      if (shape.grid == 0 && n > 1000 && s != Schedule::shuffle) return;
      ScopedSchedule scope(s, static_cast<std::uint64_t>(n + shape.block));
      float got = std::numeric_limits<float>::quiet_NaN();
      std::vector<float> ws(thorax::cuda::reduce_sum_workspace(n, shape), -1.0f);
      CheckScope check;
      run(shape, &got, ws.data());
      CAPTURE(version);
      CAPTURE(n);
      CAPTURE(shape_name(shape));
      CAPTURE(thorax::cuda::emu::schedule_name(s));
      check.close("sum", &got, &want, 1, 0.0, 1e-5 * scale + 1e-6);
    };
    for (LaunchShape shape : {LaunchShape{64, 0}, LaunchShape{96, 3}, LaunchShape{100, 1}, LaunchShape{256, 0}})
      for (Schedule s : kAll)
        check("shared", shape, s, [&](LaunchShape sh, float* out, float* ws) {
          thorax::cuda::reduce_sum_f32_shared(x.data(), n, out, ws, sh);
        });
    for (LaunchShape shape : {LaunchShape{32, 0}, LaunchShape{64, 3}, LaunchShape{160, 0}})
      for (Schedule s : kAll) {
        check("warp", shape, s, [&](LaunchShape sh, float* out, float* ws) {
          thorax::cuda::reduce_sum_f32_warp(x.data(), n, out, ws, sh);
        });
        check("atomic", shape, s, [&](LaunchShape sh, float* out, float*) {
          thorax::cuda::reduce_sum_f32_atomic(x.data(), n, out, sh);
        });
      }
  }
  float out = 0;
  std::vector<float> x(10, 1.0f), ws(4);
  CHECK_THROWS_WITH(thorax::cuda::reduce_sum_f32_warp(x.data(), 10, &out, ws.data(), {48, 1}),
                    doctest::Contains("multiple of 32"));
}

namespace {

struct GemmCase {
  int M, N, K;
  float alpha, beta;
};

// Runs `run` on a padded problem and compares every element of C, padding included, with kernels/reference's
// gemm. Odd leading dimensions (lda = K + 3, ldb = N + 1) by default; with `ld_multiple_of_4`, lda and ldb are
// rounded up to multiples of 4 (so sgemm v3 takes its float4 path). ldc = N + 2 either way.
template <class Run>
void check_gemm(const char* version, GemmCase g, Run run, bool ld_multiple_of_4 = false) {
  int lda = g.K + 3, ldb = g.N + 1, ldc = g.N + 2;
  if (ld_multiple_of_4) lda = (g.K + 4) / 4 * 4, ldb = (g.N + 4) / 4 * 4;
  std::vector<float> A = values(static_cast<std::int64_t>(g.M) * lda, 11), B = values(static_cast<std::int64_t>(g.K) * ldb, 12);
  std::vector<float> C = values(static_cast<std::int64_t>(g.M) * ldc, 13);
  if (g.beta == 0.0f)
    for (int i = 0; i < g.M; ++i) C[static_cast<std::size_t>(i) * ldc] = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> want = C;
  thorax::kernels::ref::gemm<float>(false, false, g.M, g.N, g.K, g.alpha, A.data(), lda, B.data(), ldb, g.beta,
                                    want.data(), ldc);
  CHECK(thorax::cuda::sgemm_vector_loads(A.data(), lda, B.data(), ldb) == ld_multiple_of_4);
  CheckScope check;
  run(g.M, g.N, g.K, g.alpha, A.data(), lda, B.data(), ldb, g.beta, C.data(), ldc);
  CAPTURE(version);
  CAPTURE(g.M);
  CAPTURE(g.N);
  CAPTURE(g.K);
  CAPTURE(g.beta);
  std::vector<float> got_values, want_values;
  for (int i = 0; i < g.M; ++i)
    for (int j = 0; j < ldc; ++j) {
      float got = C[static_cast<std::size_t>(i) * ldc + j], w = want[static_cast<std::size_t>(i) * ldc + j];
      if (j >= g.N) {  // padding: untouched (compare bits so a NaN there also counts)
        REQUIRE(std::memcmp(&got, &w, sizeof(float)) == 0);
        continue;
      }
      got_values.push_back(got);
      want_values.push_back(w);
    }
  double tol = 1e-4 * std::max(1, g.K / 8);
  check.close("C", got_values, want_values, tol, tol);
}

const GemmCase kGemmCases[] = {{1, 1, 1, 1.0f, 0.0f},   {7, 5, 3, 1.5f, 0.5f},  {17, 13, 19, 1.0f, 0.0f},
                               {33, 20, 9, -0.5f, 1.0f}, {5, 40, 1, 2.0f, 0.0f}, {9, 11, 0, 1.0f, 0.25f}};

}  // namespace

TEST_CASE("cuda sgemm_naive matches the reference on awkward shapes and block shapes") {
  const unsigned blocks[][2] = {{16, 16}, {8, 4}, {32, 1}, {5, 7}};
  for (GemmCase g : kGemmCases)
    for (auto& b : blocks) {
      ScopedSchedule scope(b[0] == 8 ? Schedule::reverse : Schedule::shuffle, static_cast<std::uint64_t>(g.M * b[1]));
      check_gemm("naive", g, [&](auto... args) { thorax::cuda::sgemm_naive(args..., b[0], b[1]); });
    }
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 4);
    check_gemm("naive", {10, 9, 6, 1.0f, 0.0f}, [&](auto... args) { thorax::cuda::sgemm_naive(args..., 4u, 4u); });
  }
}

TEST_CASE("cuda sgemm_tiled matches the reference on awkward shapes, tiles 8, 16 and 32") {
  for (GemmCase g : kGemmCases)
    for (int tile : {8, 16}) {
      ScopedSchedule scope(tile == 8 ? Schedule::shuffle : Schedule::forward, static_cast<std::uint64_t>(g.N + tile));
      check_gemm("tiled", g, [&](auto... args) { thorax::cuda::sgemm_tiled(args..., tile); });
    }
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 8);
    CAPTURE(thorax::cuda::emu::schedule_name(s));
    check_gemm("tiled", {19, 21, 35, 1.0f, 0.5f}, [&](auto... args) { thorax::cuda::sgemm_tiled(args..., 8); });
  }
  check_gemm("tiled", {33, 3, 40, 1.0f, 0.0f}, [&](auto... args) { thorax::cuda::sgemm_tiled(args..., 32); });
  std::vector<float> m(4);
  CHECK_THROWS_WITH(thorax::cuda::sgemm_tiled(2, 2, 1, 1.0f, m.data(), 1, m.data(), 2, 0.0f, m.data(), 2, 12),
                    doctest::Contains("tile must be 8, 16 or 32"));
}

TEST_CASE("cuda sgemm_register_blocked matches the reference, block tiles 32 and 64, scalar and float4 loads") {
  for (GemmCase g : kGemmCases)
    for (int block_tile : {32, 64})
      for (bool vec : {false, true}) {
        CAPTURE(block_tile);
        CAPTURE(vec);
        ScopedSchedule scope(block_tile == 32 ? Schedule::shuffle : Schedule::reverse, static_cast<std::uint64_t>(g.M));
        check_gemm("register_blocked", g, [&](auto... args) { thorax::cuda::sgemm_register_blocked(args..., block_tile); },
                   vec);
      }
  // Several K steps, M and N past one block tile.
  for (bool vec : {false, true}) {
    ScopedSchedule scope(Schedule::shuffle, 12);
    check_gemm("register_blocked", {70, 37, 35, 1.0f, 0.5f},
               [&](auto... args) { thorax::cuda::sgemm_register_blocked(args..., 32); }, vec);
  }
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 8);
    CAPTURE(thorax::cuda::emu::schedule_name(s));
    check_gemm("register_blocked", {19, 21, 17, 1.0f, 0.0f},
               [&](auto... args) { thorax::cuda::sgemm_register_blocked(args..., 64); }, true);
  }
  std::vector<float> m(4);
  CHECK_THROWS_WITH(thorax::cuda::sgemm_register_blocked(2, 2, 1, 1.0f, m.data(), 1, m.data(), 2, 0.0f, m.data(), 2, 16),
                    doctest::Contains("block_tile must be 32 or 64"));
}
