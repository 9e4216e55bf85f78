// Every attention kernel version against the reference: plain and causal, odd lengths, Lq != Lk.
#include <doctest/doctest.h>

#include "kernels/attention.h"
#include "tests/support/kernel_check.h"

using namespace thorax;
using namespace thorax::kernels;
using namespace thorax::testing;

TEST_CASE("attention kernels: every version matches the reference, forward and backward") {
  const auto& op = attention_op();
  const AttentionShape shapes[] = {
      {1, 1, 1, 1, 1, 1.0, false}, {3, 5, 7, 4, 6, 0.5, false}, {2, 9, 9, 8, 8, 0.35, true},
      {4, 3, 11, 5, 2, 0.4, true}, {6, 33, 17, 16, 9, 0.25, false},
  };
  for (const auto& v : op.versions) {
    for (const AttentionShape& s : shapes) {
      const int64_t nq = s.batch * s.lq * s.d, nk = s.batch * s.lk * s.d, nv = s.batch * s.lk * s.dv,
                    no = s.batch * s.lq * s.dv, nl = s.batch * s.lq;
      auto q = random_floats(nq, 1), k = random_floats(nk, 2), val = random_floats(nv, 3), go = random_floats(no, 4);
      std::vector<float> o_ref(no), o(no), l_ref(nl), l(nl);
      op.reference().fn.forward(s, q.data(), k.data(), val.data(), o_ref.data(), l_ref.data());
      v.fn.forward(s, q.data(), k.data(), val.data(), o.data(), l.data());
      std::vector<float> gq_ref(nq), gk_ref(nk), gv_ref(nv), gq(nq), gk(nk), gv(nv);
      op.reference().fn.backward(s, q.data(), k.data(), val.data(), o_ref.data(), l_ref.data(), go.data(), gq_ref.data(),
                                 gk_ref.data(), gv_ref.data());
      v.fn.backward(s, q.data(), k.data(), val.data(), o_ref.data(), l_ref.data(), go.data(), gq.data(), gk.data(), gv.data());
      std::string what = op.name + "/" + v.name + " B=" + std::to_string(s.batch) + " Lq=" + std::to_string(s.lq) +
                         " Lk=" + std::to_string(s.lk) + (s.causal ? " causal" : "");
      expect_close(o, o_ref, {1e-6, 1e-5}, what + " output");
      expect_close(l, l_ref, {1e-6, 1e-5}, what + " lse");
      expect_close(gq, gq_ref, {1e-6, 1e-5}, what + " dq");
      expect_close(gk, gk_ref, {1e-6, 1e-5}, what + " dk");
      expect_close(gv, gv_ref, {1e-6, 1e-5}, what + " dv");
    }
    passed(op, v);
  }
}
