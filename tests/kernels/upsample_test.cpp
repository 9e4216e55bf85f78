// Every version of upsample_nearest and upsample_bilinear against its reference, forward and backward:
// growing and shrinking, by size and by scale factor, align_corners both ways, batch 1, 1x1 planes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernels/upsample.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

namespace {

std::string describe(const Upsample2dParams& p) {
  auto s = [](auto v) { return std::to_string(v); };
  return "N" + s(p.N) + " C" + s(p.C) + " " + s(p.H) + "x" + s(p.W) + "->" + s(p.H_out) + "x" + s(p.W_out) +
         (p.scale_h > 0 ? " scale " + s(p.scale_h) + "," + s(p.scale_w) : "") + (p.align_corners ? " align" : "");
}

// By size (scale 0) or by scale (the output size the caller derived from it).
const Upsample2dParams kShapes[] = {
    {1, 1, 5, 7, 10, 14, 0, 0, false},      // doubling by size
    {2, 3, 5, 7, 8, 3, 0, 0, false},        // growing one way, shrinking the other
    {1, 2, 4, 6, 6, 9, 1.5, 1.5, false},    // scale 1.5 (1/scale used for indices)
    {2, 2, 3, 5, 6, 10, 2.0, 2.0, false},   // scale 2
    {1, 1, 7, 9, 2, 3, 0.35, 0.4, false},   // shrinking by scale
    {1, 2, 1, 1, 3, 4, 0, 0, false},        // 1x1 plane
    {1, 1, 4, 5, 1, 1, 0, 0, false},        // to one pixel
    {4, 16, 17, 15, 34, 30, 0, 0, false},   // large enough for the parallel path
};

template <class OpT> void check_op(const OpT& op, bool try_align) {
  for (const auto& v : op.versions) {
    for (Upsample2dParams p : kShapes)
      for (bool align : {false, true}) {
        if (align && !try_align) continue;
        p.align_corners = align;
        const int64_t nx = p.N * p.C * p.H * p.W, ny = p.N * p.C * p.H_out * p.W_out;
        const auto x = random_floats(nx, 21 + static_cast<uint64_t>(nx)), gy = random_floats(ny, 22);
        std::vector<float> y(ny, 1.0f), y_ref(ny), gx(nx, 5.0f), gx_ref(nx, -5.0f);
        op.reference().fn.forward(x.data(), y_ref.data(), p);
        v.fn.forward(x.data(), y.data(), p);
        op.reference().fn.backward(gy.data(), gx_ref.data(), p);
        v.fn.backward(gy.data(), gx.data(), p);
        const std::string what = op.name + "/" + v.name + " " + describe(p);
        expect_close(y, y_ref, {1e-6, 1e-6}, what + " forward");
        expect_close(gx, gx_ref, {1e-6, 1e-5}, what + " backward");
      }
    passed(op, v);
  }
}

}  // namespace

TEST_CASE("upsample_nearest: every version matches the reference") { check_op(upsample_nearest_op(), false); }

TEST_CASE("upsample_bilinear: every version matches the reference, align_corners both ways") {
  check_op(upsample_bilinear_op(), true);
}

TEST_CASE("resampling index rules agree with torch on hand-checked values") {
  // torch: F.interpolate(arange(5), size=7, mode='nearest') reads [0, 0, 1, 2, 2, 3, 4].
  const int64_t expect_nearest[] = {0, 0, 1, 2, 2, 3, 4};
  for (int64_t o = 0; o < 7; ++o) CHECK(nearest_source(o, 5, 7, 0.0) == expect_nearest[o]);
  // Doubling reads each input twice.
  for (int64_t o = 0; o < 10; ++o) CHECK(nearest_source(o, 5, 10, 0.0) == o / 2);
  // align_corners: the last output reads exactly the last input.
  const auto last = linear_source<double>(6, 4, 7, 0.0, true);
  CHECK(last.i0 == 3);
  CHECK(last.w1 == doctest::Approx(0.0));
  // Half-pixel centres: output 0 of a doubling sits at source -0.25, clamped to input 0.
  const auto first = linear_source<double>(0, 4, 8, 0.0, false);
  CHECK(first.i0 == 0);
  CHECK(first.w0 == doctest::Approx(1.0));
  const auto mid = linear_source<double>(3, 4, 8, 0.0, false);  // source 1.25
  CHECK(mid.i0 == 1);
  CHECK(mid.w1 == doctest::Approx(0.25));
}
