// The CUDA kernels of kernels/cuda/*.cu, run through the emulator on small awkward shapes (sizes that are not
// multiples of the block size) and several launch configurations and schedules, against plain CPU loops.
// The last test case checks that every kernel was launched.
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

using thorax::cuda::LaunchShape;
using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;

namespace {

const Schedule kAll[] = {Schedule::forward, Schedule::reverse, Schedule::shuffle, Schedule::concurrent};

std::vector<float> values(std::int64_t n, int salt) {
  std::vector<float> v(n);
  for (std::int64_t i = 0; i < n; ++i) v[i] = static_cast<float>((i * 7919 + salt * 104729) % 1999) / 999.0f - 1.0f;
  return v;
}

std::string shape_name(LaunchShape s) { return std::to_string(s.grid) + "x" + std::to_string(s.block); }

}  // namespace

TEST_CASE("cuda add_f32 (grid-stride) matches a + b exactly") {
  const LaunchShape shapes[] = {{32, 0}, {96, 3}, {256, 0}, {1, 1}, {1024, 2}};
  for (std::int64_t n : {0, 1, 31, 97, 1000, 4099})
    for (LaunchShape shape : shapes) {
      if (shape.block == 1024 && n > 100) continue;  // 1024 OS threads per block: kept to one small case
      std::vector<float> a = values(n, 1), b = values(n, 2), out(n, -7.0f);
      ScopedSchedule scope(n % 2 ? Schedule::shuffle : Schedule::forward, static_cast<std::uint64_t>(n));
      thorax::cuda::add_f32(a.data(), b.data(), out.data(), n, shape);
      CAPTURE(n);
      CAPTURE(shape_name(shape));
      for (std::int64_t i = 0; i < n; ++i) REQUIRE(out[i] == a[i] + b[i]);
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
      run(shape, &got, ws.data());
      CAPTURE(version);
      CAPTURE(n);
      CAPTURE(shape_name(shape));
      CAPTURE(thorax::cuda::emu::schedule_name(s));
      CHECK(std::fabs(got - want) <= 1e-5 * scale + 1e-6);
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

// Runs `run` on a padded problem (lda = K + 3, ldb = N + 1, ldc = N + 2) and compares every element of C,
// padding included, with kernels/reference's gemm.
template <class Run>
void check_gemm(const char* version, GemmCase g, Run run) {
  int lda = g.K + 3, ldb = g.N + 1, ldc = g.N + 2;
  std::vector<float> A = values(static_cast<std::int64_t>(g.M) * lda, 11), B = values(static_cast<std::int64_t>(g.K) * ldb, 12);
  std::vector<float> C = values(static_cast<std::int64_t>(g.M) * ldc, 13);
  if (g.beta == 0.0f)
    for (int i = 0; i < g.M; ++i) C[static_cast<std::size_t>(i) * ldc] = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> want = C;
  thorax::kernels::ref::gemm<float>(false, false, g.M, g.N, g.K, g.alpha, A.data(), lda, B.data(), ldb, g.beta,
                                    want.data(), ldc);
  run(g.M, g.N, g.K, g.alpha, A.data(), lda, B.data(), ldb, g.beta, C.data(), ldc);
  CAPTURE(version);
  CAPTURE(g.M);
  CAPTURE(g.N);
  CAPTURE(g.K);
  CAPTURE(g.beta);
  for (int i = 0; i < g.M; ++i)
    for (int j = 0; j < ldc; ++j) {
      float got = C[static_cast<std::size_t>(i) * ldc + j], w = want[static_cast<std::size_t>(i) * ldc + j];
      if (j >= g.N) {  // padding: untouched (compare bits so a NaN there also counts)
        REQUIRE(std::memcmp(&got, &w, sizeof(float)) == 0);
        continue;
      }
      REQUIRE(std::fabs(got - w) <= 1e-4f * (1.0f + std::fabs(w)) * std::max(1, g.K / 8));
    }
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

// Runs last in this program (doctest orders test cases by file and line): every kernel of kernels/cuda
// must have been launched by the tests above.
TEST_CASE("cuda: every kernel of kernels/cuda was launched by the emulated tests") {
  const char* kernels[] = {"add_f32_grid_stride",   "reduce_sum_shared_kernel", "reduce_sum_warp_kernel",
                           "fill_f32_kernel",       "reduce_sum_atomic_kernel", "sgemm_naive_kernel",
                           "sgemm_tiled_kernel<8>", "sgemm_tiled_kernel<16>",   "sgemm_tiled_kernel<32>"};
  for (const char* k : kernels) {
    CAPTURE(k);
    CHECK(thorax::cuda::launch_count(k) > 0);
  }
  std::string all;
  for (auto& [name, count] : thorax::cuda::launch_counts()) all += " " + name + "=" + std::to_string(count);
  MESSAGE("launches:" << all);
}
