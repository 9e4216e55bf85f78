// Every conv2d and depthwise_conv2d version, forward and both backwards, on ResNet-50 and
// MobileNetV2 shapes (224 px, batch 8). FLOPs per pass: Conv2dParams::flops(), 2·N·C_out·H_out·W_out·
// (C_in/groups)·kH·kW. The reference runs only on the shapes marked small, for scale.
#include <string>

#include "bench/kernels/bench_util.h"
#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"

namespace thorax::bench {

namespace {

struct ConvShape {
  std::string name;
  kernels::Conv2dParams p;
  bool small = false;  // quick enough for the plain-loop reference
};

// N, C_in, H = W, C_out, k (square), stride, pad, groups.
kernels::Conv2dParams conv_params(int64_t N, int64_t C_in, int64_t HW, int64_t C_out, int64_t k, int64_t stride,
                                  int64_t pad, int64_t groups = 1) {
  kernels::Conv2dParams p;
  p.N = N, p.C_in = C_in, p.H = p.W = HW, p.C_out = C_out, p.kH = p.kW = k;
  p.stride_h = p.stride_w = stride, p.pad_h = p.pad_w = pad, p.groups = groups;
  return p;
}

// Forward, backward_data and backward_weight of every version of `op` on `shapes`.
void register_conv_op_benches(const kernels::Op<kernels::Conv2dKernel>& op, const std::vector<ConvShape>& shapes,
                              const MachinePeak& peak) {
  enum Pass { Forward, BackwardData, BackwardWeight };
  const char* pass_names[] = {"forward", "backward_data", "backward_weight"};
  for (const auto& v : op.versions)
    for (const ConvShape& s : shapes)
      for (Pass pass : {Forward, BackwardData, BackwardWeight}) {
        if (v.backend == kernels::Backend::Reference && !s.small) continue;
        const std::string name = op.name + "/" + v.name + "/" + pass_names[pass] + "/" + s.name;
        const kernels::Conv2dKernel k = v.fn;
        benchmark::RegisterBenchmark(name.c_str(), [k, s, pass, peak](benchmark::State& state) {
          const auto& p = s.p;
          const auto x = bench_floats(p.N * p.C_in * p.H * p.W, 1);
          const auto w = bench_floats(p.C_out * (p.C_in / p.groups) * p.kH * p.kW, 2);
          const auto gy = bench_floats(p.N * p.C_out * p.H_out() * p.W_out(), 3);
          const auto bias = bench_floats(p.C_out, 4);
          std::vector<float> out(pass == Forward ? gy.size() : pass == BackwardData ? x.size() : w.size());
          std::vector<float> gb(bias.size());
          run_timed(state, p.flops(), peak, [&] {
            if (pass == Forward) k.forward(x.data(), w.data(), bias.data(), out.data(), p);
            else if (pass == BackwardData) k.backward_data(gy.data(), w.data(), out.data(), p);
            else k.backward_weight(x.data(), gy.data(), out.data(), gb.data(), p);
            benchmark::DoNotOptimize(out.data());
          });
        })->UseRealTime()->Unit(benchmark::kMillisecond);
      }
}

}  // namespace

void register_conv2d_benches(const MachinePeak& peak) {
  register_conv_op_benches(kernels::conv2d_op(),
                           {
                               {"small_3x3_c16_28px_batch1", conv_params(1, 16, 28, 16, 3, 1, 1), true},
                               {"resnet50_conv1_7x7s2", conv_params(8, 3, 224, 64, 7, 2, 3)},
                               {"resnet50_layer1_3x3_c64_56px", conv_params(8, 64, 56, 64, 3, 1, 1)},
                               {"resnet50_layer1_1x1_c64to256_56px", conv_params(8, 64, 56, 256, 1, 1, 0)},
                               {"resnet50_layer3_3x3_c256_14px", conv_params(8, 256, 14, 256, 3, 1, 1)},
                               {"resnet50_layer4_3x3_c512_7px", conv_params(8, 512, 7, 512, 3, 1, 1)},
                               {"mobilenetv2_1x1_c24to144_56px", conv_params(8, 24, 56, 144, 1, 1, 0)},
                           },
                           peak);
}

void register_depthwise_conv2d_benches(const MachinePeak& peak) {
  // Every depthwise 3×3 layer of MobileNetV2 (expanded channel counts, deduplicated), batch 8 at 224 px.
  auto dw = [](int64_t C, int64_t HW, int64_t stride) { return conv_params(8, C, HW, C, 3, stride, 1, C); };
  register_conv_op_benches(kernels::depthwise_conv2d_op(),
                           {
                               {"small_3x3_c32_28px_batch1", conv_params(1, 32, 28, 32, 3, 1, 1, 32), true},
                               {"mobilenetv2_dw_c32_112px", dw(32, 112, 1)},
                               {"mobilenetv2_dw_c96_112px_s2", dw(96, 112, 2)},
                               {"mobilenetv2_dw_c144_56px", dw(144, 56, 1)},
                               {"mobilenetv2_dw_c144_56px_s2", dw(144, 56, 2)},
                               {"mobilenetv2_dw_c192_28px", dw(192, 28, 1)},
                               {"mobilenetv2_dw_c192_28px_s2", dw(192, 28, 2)},
                               {"mobilenetv2_dw_c384_14px", dw(384, 14, 1)},
                               {"mobilenetv2_dw_c576_14px", dw(576, 14, 1)},
                               {"mobilenetv2_dw_c576_14px_s2", dw(576, 14, 2)},
                               {"mobilenetv2_dw_c960_7px", dw(960, 7, 1)},
                           },
                           peak);
}

}  // namespace thorax::bench
