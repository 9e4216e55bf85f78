// Synchronized batch norm (autograd/normalization.h, set_batch_norm_reducer): two "ranks" as two threads, each
// with half of a batch, whose reducer sums through shared memory. Their outputs, input gradients, summed
// weight/bias gradients and running statistics must equal one batch_norm over the whole batch (float64).
#include <doctest/doctest.h>

#include <barrier>
#include <thread>

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/normalization.h"
#include "autograd/reduce.h"
#include "autograd/view.h"
#include "tensor/rng.h"
#include "tests/support/check.h"

using namespace thorax;

namespace {

// An allreduce between two threads: each puts its values in its own slot, both wait, both add the two slots,
// both wait again (so no slot is overwritten by the next call while the other thread still reads it).
thread_local int t_rank = 0;

class TwoThreadSum {
 public:
  void operator()(std::span<double> v) {
    slots_[t_rank].assign(v.begin(), v.end());
    both_.arrive_and_wait();
    for (size_t i = 0; i < v.size(); ++i) v[i] = slots_[0][i] + slots_[1][i];
    both_.arrive_and_wait();
  }

 private:
  std::barrier<> both_{2};
  std::vector<double> slots_[2];
};

// Equal to float64 rounding.
bool same(const Tensor& got, const Tensor& ref) {
  const testing::Comparison c = testing::compare(got, ref, {1e-12, 1e-10});
  INFO(c.detail);
  return c.ok;
}

struct Pass {
  Tensor y, gx, gw, gb, running_mean, running_var;
};

// batch_norm of x in training mode, then backward of sum(weights * y).
Pass run(const Tensor& x0, const Tensor& w0, const Tensor& b0, const Tensor& weights) {
  Pass p;
  Tensor x = x0.clone(), w = w0.clone(), b = b0.clone();
  x.set_requires_grad(true);
  w.set_requires_grad(true);
  b.set_requires_grad(true);
  p.running_mean = Tensor::zeros({x.size(1)}, DType::f64);
  p.running_var = Tensor::ones({x.size(1)}, DType::f64);
  p.y = batch_norm(x, p.running_mean, p.running_var, w, b, true, 0.1, 1e-5);
  autograd::backward(sum(mul(p.y, weights)));
  p.gx = x.grad();
  p.gw = w.grad();
  p.gb = b.grad();
  return p;
}

}  // namespace

TEST_CASE("synchronized batch norm over two ranks equals batch norm over the whole batch") {
  Generator gen(11);
  const int64_t n = 7;  // split 4 + 3: unequal shards
  const Tensor x = randn({n, 3, 4, 5}, DType::f64, &gen);
  const Tensor weights = randn({n, 3, 4, 5}, DType::f64, &gen);
  const Tensor w = randn({3}, DType::f64, &gen), b = randn({3}, DType::f64, &gen);
  const Pass whole = run(x, w, b, weights);

  TwoThreadSum reducer;
  set_batch_norm_reducer([&](std::span<double> v) { reducer(v); });
  Pass part[2];
  const int64_t first[2] = {0, 4}, count[2] = {4, 3};
  std::thread other([&] {
    t_rank = 1;
    part[1] = run(narrow(x, 0, first[1], count[1]), w, b, narrow(weights, 0, first[1], count[1]));
  });
  part[0] = run(narrow(x, 0, first[0], count[0]), w, b, narrow(weights, 0, first[0], count[0]));
  other.join();
  set_batch_norm_reducer({});

  for (int r = 0; r < 2; ++r) {
    CHECK(same(part[r].y, narrow(whole.y, 0, first[r], count[r])));
    CHECK(same(part[r].gx, narrow(whole.gx, 0, first[r], count[r])));
    CHECK(same(part[r].running_mean, whole.running_mean));
    CHECK(same(part[r].running_var, whole.running_var));
  }
  // The weight and bias gradients stay local: their sum over the ranks is the whole batch's.
  CHECK(same(add(part[0].gw, part[1].gw), whole.gw));
  CHECK(same(add(part[0].gb, part[1].gb), whole.gb));
  // Control: a rank's own (unsynchronized) statistics give another output.
  const Pass alone = run(narrow(x, 0, 0, 4), w, b, narrow(weights, 0, 0, 4));
  CHECK(testing::compare(alone.y, narrow(whole.y, 0, 0, 4), {1e-3, 0}).max_abs_error > 1e-3);
}
