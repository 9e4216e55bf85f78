// The CUDA emulator itself: indices, warp operations, atomics, error reports, and the race test — a
// reduction with one __syncthreads removed must be caught by at least one schedule.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "kernels/cuda/emu/emulator.h"
#include "kernels/cuda/reduce.h"
#include "tests/cuda/test_kernels.h"

using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;

namespace {

const Schedule kAll[] = {Schedule::forward, Schedule::reverse, Schedule::shuffle, Schedule::concurrent};

std::vector<float> ramp(int n) {
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = static_cast<float>((i * 37) % 101) / 16.0f - 2.5f;
  return x;
}

double exact_sum(const std::vector<float>& x) { return std::accumulate(x.begin(), x.end(), 0.0); }

bool close(double got, double want, double scale) {
  return std::isfinite(got) && std::fabs(got - want) <= 1e-5 * scale + 1e-6;
}

}  // namespace

TEST_CASE("cuda emulator: every thread sees its own indices, across 2D grids and 3D blocks") {
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 7);
    const unsigned gx = 3, gy = 2, bx = 5, by = 3, bz = 2;
    std::vector<int> out(gx * gy * bx * by * bz, -1);
    thorax::cuda::test::probe_index(out.data(), gx, gy, bx, by, bz);
    for (int i = 0; i < static_cast<int>(out.size()); ++i) CHECK(out[i] == i);
  }
}

TEST_CASE("cuda emulator: warp shuffles and votes follow CUDA's lane rules") {
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 3);
    CAPTURE(thorax::cuda::emu::schedule_name(s));
    const unsigned block = 64;
    std::vector<int> out(block);
    thorax::cuda::test::probe_shfl_down(out.data(), block);
    for (unsigned t = 0; t < block; ++t) CHECK(out[t] == static_cast<int>(t % 32 + 3 < 32 ? t % 32 + 3 : t % 32));
    thorax::cuda::test::probe_shfl_xor(out.data(), block);
    for (unsigned t = 0; t < block; ++t) CHECK(out[t] == static_cast<int>((t % 32) ^ 5));
    thorax::cuda::test::probe_shfl_up_width(out.data(), block);
    for (unsigned t = 0; t < block; ++t) CHECK(out[t] == static_cast<int>(t % 8 < 2 ? t % 32 : t % 32 - 2));
    thorax::cuda::test::probe_shfl_idx(out.data(), block);
    for (unsigned t = 0; t < block; ++t) CHECK(out[t] == 7);
    std::vector<unsigned> votes(block + block / 32);
    thorax::cuda::test::probe_ballot(votes.data(), block);
    unsigned want = 0;
    for (unsigned l = 0; l < 32; l += 3) want |= 1u << l;
    for (unsigned t = 0; t < block; ++t) CHECK(votes[t] == want);
    for (unsigned w = 0; w < block / 32; ++w) CHECK(votes[block + w] == 2u);  // any: yes, all: no
  }
}

TEST_CASE("cuda emulator: atomics add up exactly, under every schedule") {
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 11);
    int counter = 0, maximum = -1;
    thorax::cuda::test::probe_atomics(&counter, &maximum, 5, 70);
    CHECK(counter == 350);
    CHECK(maximum == 349);
  }
}

TEST_CASE("cuda emulator: a barrier that can never complete is an error naming the kernel, not a hang") {
  for (Schedule s : kAll) {
    ScopedSchedule scope(s, 5);
    CAPTURE(thorax::cuda::emu::schedule_name(s));
    CHECK_THROWS_WITH(thorax::cuda::test::probe_deadlock(64),
                      doctest::Contains("probe_deadlock_kernel<<<(1,1,1), (64,1,1), 0>>>"));
  }
}

TEST_CASE("cuda emulator: a launch a GPU would reject is rejected with its configuration") {
  CHECK_THROWS_WITH(thorax::cuda::test::probe_invalid_block(2048),
                    doctest::Contains("probe_deadlock_kernel<<<(1,1,1), (2048,1,1), 0>>> is invalid"));
}

// THE RACE TEST (issue 9): the emulator must catch a missing __syncthreads.
TEST_CASE("cuda emulator: the reduction with one __syncthreads removed is caught by some schedule") {
  const int n = 1000;
  const unsigned grid = 3, block = 96;  // 96: not a power of two, and not a divisor of n
  std::vector<float> x = ramp(n);
  double want = exact_sum(x), scale = 0;
  for (float v : x) scale += std::fabs(v);

  // The correct kernel is right under every schedule, several seeds of the shuffle included.
  for (Schedule s : kAll)
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      ScopedSchedule scope(s, seed);
      float got = 0;
      std::vector<float> ws(thorax::cuda::reduce_sum_workspace(n, {block, grid}));
      thorax::cuda::reduce_sum_f32_shared(x.data(), n, &got, ws.data(), {block, grid});
      CAPTURE(thorax::cuda::emu::schedule_name(s));
      CHECK(close(got, want, scale));
    }

  // The racy kernel is wrong under at least one of forward / reverse / seeded shuffle.
  std::string caught;
  for (Schedule s : {Schedule::forward, Schedule::reverse, Schedule::shuffle}) {
    ScopedSchedule scope(s, 42);
    std::vector<float> partial(grid);
    thorax::cuda::test::reduce_sum_racy(x.data(), n, partial.data(), grid, block);
    double got = std::accumulate(partial.begin(), partial.end(), 0.0);
    bool right = close(got, want, scale);
    MESSAGE("racy reduction under schedule " << thorax::cuda::emu::schedule_name(s) << ": " << got << " (exact "
                                             << want << ") -> " << (right ? "right (race hidden)" : "WRONG (race caught)"));
    if (!right) caught += (caught.empty() ? "" : ", ") + thorax::cuda::emu::schedule_name(s);
  }
  MESSAGE("race caught by: " << (caught.empty() ? "no schedule" : caught));
  CHECK_FALSE(caught.empty());
}
