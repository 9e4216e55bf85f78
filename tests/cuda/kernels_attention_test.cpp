// Multi-head attention (fused softmax; forward, backward) and NT-Xent (fused forward + backward) in the
// emulator, against kernels/reference in double.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/cuda/attention.h"
#include "kernels/cuda/emu/emulator.h"
#include "kernels/cuda/nt_xent.h"
#include "kernels/reference/attention.h"
#include "kernels/reference/nt_xent.h"
#include "tests/cuda/check.h"

using thorax::cuda::emu::Schedule;
using thorax::cuda::emu::ScopedSchedule;
using thorax::cuda::test::CheckScope;
using thorax::cuda::test::to_double;
using thorax::cuda::test::values;

TEST_CASE("cuda attention forward and backward match kernels/reference (heads folded in batch, causal)") {
  struct Case {
    std::int64_t batch, lq, lk, d, dv;
    bool causal;
    unsigned block;
  };
  // Batch 2·3 heads; Lk > 32 so lanes wrap over keys; d, dv past one warp in the last case; causal with
  // Lk > Lq (a decoder step over a longer context).
  const Case cases[] = {{6, 5, 7, 4, 3, false, 64}, {2, 9, 37, 8, 6, true, 32}, {1, 3, 4, 35, 33, false, 96},
                        {3, 6, 6, 5, 5, true, 64}};
  int k = 0;
  for (const Case& c : cases) {
    CAPTURE(k);
    CAPTURE(c.block);
    thorax::kernels::AttentionShape rs{c.batch, c.lq, c.lk, c.d, c.dv, 1.0 / std::sqrt(static_cast<double>(c.d)), c.causal};
    thorax::cuda::AttentionShape s{c.batch, c.lq, c.lk, c.d, c.dv, static_cast<float>(rs.scale), c.causal};
    std::vector<float> q = values(c.batch * c.lq * c.d, 1 + k, -2.0f, 2.0f), kk = values(c.batch * c.lk * c.d, 2 + k, -2.0f, 2.0f);
    std::vector<float> v = values(c.batch * c.lk * c.dv, 3 + k), go = values(c.batch * c.lq * c.dv, 4 + k);
    std::vector<double> qd = to_double(q), kd = to_double(kk), vd = to_double(v), god = to_double(go);
    std::vector<double> o_want(go.size()), lse_want(c.batch * c.lq), gq_want(q.size()), gk_want(kk.size()),
        gv_want(v.size());
    thorax::kernels::ref::attention_forward(rs, qd.data(), kd.data(), vd.data(), o_want.data(), lse_want.data());
    thorax::kernels::ref::attention_backward(rs, qd.data(), kd.data(), vd.data(), o_want.data(), lse_want.data(),
                                             god.data(), gq_want.data(), gk_want.data(), gv_want.data());
    ScopedSchedule scope(k % 2 ? Schedule::shuffle : Schedule::reverse, static_cast<std::uint64_t>(k));
    ++k;
    CheckScope check;
    std::vector<float> o(go.size(), NAN), lse(c.batch * c.lq, NAN);
    thorax::cuda::attention_forward(s, q.data(), kk.data(), v.data(), o.data(), lse.data(), c.block);
    check.close("o", o, o_want, 1e-5, 1e-6);
    check.close("lse", lse, lse_want, 1e-5, 1e-6);
    std::vector<float> gq(q.size(), NAN), gk(kk.size(), NAN), gv(v.size(), NAN), ws(c.batch * c.lq, NAN);
    thorax::cuda::attention_backward(s, q.data(), kk.data(), v.data(), o.data(), lse.data(), go.data(), gq.data(),
                                     gk.data(), gv.data(), ws.data(), c.block);
    check.close("gq", gq, gq_want, 1e-4, 1e-5);
    check.close("gk", gk, gk_want, 1e-4, 1e-5);
    check.close("gv", gv, gv_want, 1e-4, 1e-5);
  }
  std::vector<float> m(8);
  CHECK_THROWS_WITH(thorax::cuda::attention_forward({1, 4, 2, 1, 1, 1.0f, true}, m.data(), m.data(), m.data(), m.data(),
                                                    m.data()),
                    doctest::Contains("Lk >= Lq"));
}

TEST_CASE("cuda NT-Xent fused forward and backward match kernels/reference") {
  struct Case {
    std::int64_t n2, d;
    float tau;
    thorax::cuda::NtXentLaunch cfg;
  };
  // 2N = 10 and 38 (rows past one warp of columns), d not a multiple of the tiles; one zero row (the norm
  // clamp).
  const Case cases[] = {{10, 13, 0.5f, {8, 32}}, {38, 7, 0.1f, {16, 64}}};
  int k = 0;
  for (const Case& c : cases) {
    CAPTURE(c.n2);
    CAPTURE(c.d);
    CAPTURE(c.tau);
    std::vector<float> z = values(c.n2 * c.d, 5 + k);
    for (std::int64_t e = 0; e < c.d; ++e) z[3 * c.d + e] = 0.0f;
    const float g = 0.75f;
    double loss_want = thorax::kernels::ref::nt_xent_forward<double>(to_double(z).data(), c.n2, c.d, c.tau);
    std::vector<double> gz_want(z.size());
    std::vector<double> zd = to_double(z);
    thorax::kernels::ref::nt_xent_backward<double>(zd.data(), c.n2, c.d, c.tau, g, gz_want.data());
    ScopedSchedule scope(k % 2 ? Schedule::forward : Schedule::shuffle, static_cast<std::uint64_t>(k));
    ++k;
    CheckScope check;
    std::vector<float> ws(thorax::cuda::nt_xent_workspace(c.n2, c.d), NAN), gz(z.size(), NAN);
    float loss = NAN, loss_only = NAN;
    thorax::cuda::nt_xent_forward_backward(z.data(), c.n2, c.d, c.tau, g, &loss, gz.data(), ws.data(), c.cfg);
    check.close("loss", &loss, &loss_want, 1, 1e-5, 1e-6);
    check.close("gz", gz, gz_want, 1e-4, 1e-5);
    thorax::cuda::nt_xent_forward_backward(z.data(), c.n2, c.d, c.tau, g, &loss_only, nullptr, ws.data(), c.cfg);
    check.close("loss (forward only)", &loss_only, &loss_want, 1, 1e-5, 1e-6);
  }
}
