// Every registered gemm version on square shapes and on the GEMMs of real models (ResNet-50 at
// 224 px, batch 8, its convolutions as im2col GEMMs over the whole batch: M = output channels,
// N = batch × output pixels, K = input channels × kernel taps; and a 2048 → 1000 linear layer).
// FLOPs: 2·M·N·K. The reference runs only on the smallest square, for scale.
#include <string>

#include "bench/kernels/bench_util.h"
#include "kernels/gemm.h"

namespace thorax::bench {

namespace {

struct GemmShape {
  std::string name;
  int64_t M, N, K;
  bool ta = false, tb = false;
  bool small = false;  // quick enough for the plain-loop reference
};

const GemmShape kShapes[] = {
    {"square", 256, 256, 256, false, false, true},
    {"square", 512, 512, 512},
    {"square", 1024, 1024, 1024},
    {"square", 2048, 2048, 2048},
    {"resnet50_conv1_7x7s2", 64, 8 * 112 * 112, 3 * 7 * 7},
    {"resnet50_layer1_1x1", 64, 8 * 56 * 56, 64},
    {"resnet50_layer1_3x3", 64, 8 * 56 * 56, 64 * 9},
    {"resnet50_layer4_3x3", 512, 8 * 7 * 7, 512 * 9},
    // y = x·Wᵀ with W stored (out, in) as in PyTorch: op(B) = Wᵀ.
    {"linear_2048to1000_batch8", 8, 1000, 2048, false, true},
};

}  // namespace

void register_gemm_benches(const MachinePeak& peak) {
  for (const auto& v : kernels::gemm_op().versions)
    for (const GemmShape& s : kShapes) {
      if (v.backend == kernels::Backend::Reference && !s.small) continue;
      const std::string name = "gemm/" + v.name + "/" + s.name + "/" + std::to_string(s.M) + "x" +
                               std::to_string(s.N) + "x" + std::to_string(s.K);
      const auto fn = v.fn;
      benchmark::RegisterBenchmark(name.c_str(), [fn, s, peak](benchmark::State& state) {
        const auto A = bench_floats(s.M * s.K, 1), B = bench_floats(s.K * s.N, 2);
        std::vector<float> C(static_cast<size_t>(s.M * s.N));
        const int64_t lda = s.ta ? s.M : s.K, ldb = s.tb ? s.K : s.N;
        run_timed(state, 2.0 * s.M * s.N * s.K, peak, [&] {
          fn(s.ta, s.tb, s.M, s.N, s.K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N);
          benchmark::DoNotOptimize(C.data());
        });
      })->UseRealTime()->Unit(benchmark::kMillisecond);
    }
}

}  // namespace thorax::bench
