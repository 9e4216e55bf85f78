// build/bench/op_time: times one differentiable op, forward and backward through autograd, and prints one
// JSON line, for the comparison scripts (bench/compare_ntxent.py, bench/compare_lstm.py), which run it
// alternately with the same computation in PyTorch.
//   op_time nt_xent N2 D [--tau T] [--reps R]
//       loss = nt_xent(z), z (N2, D) requiring its gradient; then backward(loss).
//   op_time lstm T N I H [--layers L] [--bidirectional] [--reps R]
//       out = lstm(x, weights) with x (T, N, I) and every weight requiring its gradient (as torch.nn.LSTM's
//       parameters do); then backward(sum(out.output)).
// Defaults: 10 repetitions after one warm-up call. Prints {"op": ..., "threads": ..., "seconds": [...]}.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/ops.h"
#include "tensor/rng.h"

using namespace thorax;

namespace {

struct Args {
  std::vector<int64_t> dims;
  int reps = 10, layers = 1;
  double tau = 0.1;
  bool bidirectional = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(s + " needs a value");
      return argv[++i];
    };
    if (s == "--reps")
      a.reps = std::stoi(value());
    else if (s == "--tau")
      a.tau = std::stod(value());
    else if (s == "--layers")
      a.layers = std::stoi(value());
    else if (s == "--bidirectional")
      a.bidirectional = true;
    else
      a.dims.push_back(std::stoll(s));
  }
  if (a.reps < 1) throw std::invalid_argument("--reps must be at least 1");
  return a;
}

void report(const std::string& op, int reps, const std::function<void()>& run) {
  run();  // warm-up: page in the buffers, fill the allocator's cache, start the thread team
  std::vector<double> secs;
  for (int r = 0; r < reps; ++r) {
    const auto t = std::chrono::steady_clock::now();
    run();
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  }
  std::printf("{\"op\": \"%s\", \"threads\": %d, \"seconds\": [", op.c_str(), omp_get_max_threads());
  for (size_t i = 0; i < secs.size(); ++i) std::printf("%s%.9g", i ? ", " : "", secs[i]);
  std::printf("]}\n");
}

int run_nt_xent(const Args& a) {
  if (a.dims.size() != 2) throw std::invalid_argument("nt_xent needs N2 D");
  Generator g(1);
  Tensor z = randn({a.dims[0], a.dims[1]}, DType::f32, &g).set_requires_grad(true);
  report("nt_xent", a.reps, [&] {
    z.set_grad(Tensor());
    autograd::backward(nt_xent(z, a.tau));
  });
  return 0;
}

int run_lstm(const Args& a) {
  if (a.dims.size() != 4) throw std::invalid_argument("lstm needs T N I H");
  const int64_t T = a.dims[0], N = a.dims[1], I = a.dims[2], H = a.dims[3], dirs = a.bidirectional ? 2 : 1;
  Generator g(1);
  Tensor x = randn({T, N, I}, DType::f32, &g).set_requires_grad(true);
  std::vector<LstmLayerWeights> weights;
  std::vector<Tensor> params;
  for (int64_t l = 0; l < a.layers; ++l)
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t in = l == 0 ? I : dirs * H;
      auto param = [&](Shape s) {
        Tensor t = (randn(s, DType::f32, &g) * 0.05).detach().set_requires_grad(true);
        params.push_back(t);
        return t;
      };
      weights.push_back({param({4 * H, in}), param({4 * H, H}), param({4 * H}), param({4 * H})});
    }
  LstmOptions opt;
  opt.num_layers = a.layers, opt.bidirectional = a.bidirectional;
  report("lstm", a.reps, [&] {
    x.set_grad(Tensor());
    for (Tensor& p : params) p.set_grad(Tensor());
    autograd::backward(sum(lstm(x, weights, opt).output));
  });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string what = argc > 1 ? argv[1] : "";
    if (what == "nt_xent") return run_nt_xent(parse(argc, argv));
    if (what == "lstm") return run_lstm(parse(argc, argv));
    throw std::invalid_argument("name what to time: nt_xent N2 D ... or lstm T N I H ...");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "op_time: %s\n", e.what());
    return 2;
  }
}
