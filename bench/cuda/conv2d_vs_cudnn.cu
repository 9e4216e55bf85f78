// thorax's conv2d forward (kernels/cuda/conv2d.cu: implicit GEMM through shared-memory tiles) against
// cudnnConvolutionForward with the fastest algorithm cudnnFindConvolutionForwardAlgorithm measures, on
// convolutions of the models thorax trains: GFLOP/s, % of the GPU's FP32 peak, and the largest difference
// from cuDNN. FLOP = 2 N C_out H_out W_out C_in kH kW (no bias). Needs a GPU (bench_device.h).
//
//   build/bench/cuda/conv2d_vs_cudnn [--repeats 20] [--warmup 3]
#include <cudnn.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bench/cuda/bench_device.h"
#include "kernels/cuda/conv2d.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/stream.h"

namespace {

using namespace thorax::cuda;
using namespace thorax::cuda::bench;

struct ConvCase {
  const char* what;
  int N, C_in, H, W, C_out, k, stride, pad;
};

const ConvCase kCases[] = {
    {"resnet18 conv1 7x7/2, RGB, batch 8", 8, 3, 224, 224, 64, 7, 2, 3},
    {"resnet18 conv1 7x7/2, grayscale, batch 8", 8, 1, 224, 224, 64, 7, 2, 3},
    {"resnet18 layer1 3x3, batch 8", 8, 64, 56, 56, 64, 3, 1, 1},
    {"resnet18 layer2 3x3/2, batch 8", 8, 64, 56, 56, 128, 3, 2, 1},
    {"resnet18 layer4 3x3, batch 8", 8, 512, 7, 7, 512, 3, 1, 1},
    {"resnet50 bottleneck 1x1 256->64, batch 8", 8, 256, 56, 56, 64, 1, 1, 0},
};

void check_cudnn(cudnnStatus_t s, const char* what) {
  if (s != CUDNN_STATUS_SUCCESS) throw std::runtime_error(std::string(what) + " failed: " + cudnnGetErrorString(s));
}

const char* algo_name(cudnnConvolutionFwdAlgo_t a) {
  switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return "implicit_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return "implicit_precomp_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return "gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT: return "direct";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT: return "fft";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING: return "fft_tiling";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD: return "winograd";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED: return "winograd_nonfused";
    default: return "other";
  }
}

// The descriptors of one NCHW float convolution, destroyed with the object.
struct CudnnConv {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  explicit CudnnConv(const Conv2dShape& s) {
    check_cudnn(cudnnCreateTensorDescriptor(&x), "cudnnCreateTensorDescriptor");
    check_cudnn(cudnnCreateTensorDescriptor(&y), "cudnnCreateTensorDescriptor");
    check_cudnn(cudnnCreateFilterDescriptor(&w), "cudnnCreateFilterDescriptor");
    check_cudnn(cudnnCreateConvolutionDescriptor(&conv), "cudnnCreateConvolutionDescriptor");
    check_cudnn(cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.C_in, s.H, s.W),
                "cudnnSetTensor4dDescriptor(x)");
    check_cudnn(cudnnSetFilter4dDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.C_out, s.C_in, s.kH, s.kW),
                "cudnnSetFilter4dDescriptor");
    check_cudnn(cudnnSetConvolution2dDescriptor(conv, s.pad_h, s.pad_w, s.stride_h, s.stride_w, s.dilation_h,
                                                s.dilation_w, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor");
    // FP32 FMA kernels only: by default cuDNN may run a float convolution on TF32 tensor cores (10-bit
    // mantissa), which would compare a different arithmetic with ours.
    check_cudnn(cudnnSetConvolutionMathType(conv, CUDNN_FMA_MATH), "cudnnSetConvolutionMathType");
    check_cudnn(cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.C_out, s.H_out, s.W_out),
                "cudnnSetTensor4dDescriptor(y)");
  }
  ~CudnnConv() {
    cudnnDestroyConvolutionDescriptor(conv);
    cudnnDestroyFilterDescriptor(w);
    cudnnDestroyTensorDescriptor(y);
    cudnnDestroyTensorDescriptor(x);
  }
  CudnnConv(const CudnnConv&) = delete;
  CudnnConv& operator=(const CudnnConv&) = delete;
};

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse_options(argc, argv, "conv2d_vs_cudnn");
  const Peak peak = open_device("conv2d_vs_cudnn", o);
  std::printf("median of %d timed runs after %d warm-up; FLOP = 2 N C_out H_out W_out C_in kH kW; error = max|y - "
              "y_cudnn| / max|y_cudnn|\n\n",
              o.repeats, o.warmup);

  cudnnHandle_t handle;
  check_cudnn(cudnnCreate(&handle), "cudnnCreate");
  check_cudnn(cudnnSetStream(handle, current_stream()), "cudnnSetStream");

  std::printf("%-42s %-34s %9s %9s %7s %9s\n", "convolution", "version", "ms", "GFLOP/s", "% peak", "error");
  bool all_agree = true;
  for (const ConvCase& c : kCases) {
    Conv2dShape s;
    s.N = c.N, s.C_in = c.C_in, s.H = c.H, s.W = c.W, s.C_out = c.C_out, s.kH = c.k, s.kW = c.k;
    s.stride_h = s.stride_w = c.stride;
    s.pad_h = s.pad_w = c.pad;
    s.H_out = (c.H + 2 * c.pad - c.k) / c.stride + 1;
    s.W_out = (c.W + 2 * c.pad - c.k) / c.stride + 1;
    const std::size_t x_n = std::size_t(s.N) * s.C_in * s.H * s.W, w_n = std::size_t(s.C_out) * s.C_in * s.kH * s.kW;
    const std::size_t y_n = std::size_t(s.N) * s.C_out * s.H_out * s.W_out;
    DeviceBuffer<float> x(uniform_floats(x_n, 3)), w(uniform_floats(w_n, 4)), y(y_n);
    const double flop = 2.0 * double(y_n) * double(s.C_in * s.kH * s.kW);

    CudnnConv d(s);
    // cuDNN times every algorithm itself and returns them fastest first (with its own workspace).
    int found = 0;
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    check_cudnn(cudnnFindConvolutionForwardAlgorithm(handle, d.x, d.w, d.conv, d.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                                     &found, perf),
                "cudnnFindConvolutionForwardAlgorithm");
    int best = -1;
    for (int i = 0; i < found && best < 0; ++i)
      if (perf[i].status == CUDNN_STATUS_SUCCESS) best = i;
    if (best < 0) throw std::runtime_error(std::string("cuDNN has no forward algorithm for ") + c.what);
    DeviceBuffer<unsigned char> workspace(perf[best].memory);
    const float one = 1.0f, zero = 0.0f;
    auto cudnn = [&] {
      check_cudnn(cudnnConvolutionForward(handle, &one, d.x, x.data(), d.w, w.data(), d.conv, perf[best].algo,
                                          workspace.data(), workspace.bytes(), &zero, d.y, y.data()),
                  "cudnnConvolutionForward");
    };
    cudnn();
    const std::vector<float> want = y.download();

    struct Version {
      std::string name;
      std::function<void()> run;
    };
    const std::vector<Version> versions = {
        {"implicit GEMM, tile 8", [&] { conv2d_forward(x.data(), w.data(), nullptr, y.data(), s, 8); }},
        {"implicit GEMM, tile 16", [&] { conv2d_forward(x.data(), w.data(), nullptr, y.data(), s, 16); }},
        {std::string("cuDNN ") + algo_name(perf[best].algo), cudnn},
    };
    for (const Version& v : versions) {
      const double ms = median_ms(v.run, o);
      v.run();
      const double err = max_relative_error(y.download(), want);
      if (err > 1e-4) all_agree = false;
      const double g = gflop_per_s(flop, ms);
      std::printf("%-42s %-34s %9.3f %9.1f %7s %9.1e\n", c.what, v.name.c_str(), ms, g, percent_of_peak(g, peak).c_str(),
                  err);
    }
    std::printf("\n");
  }
  cudnnDestroy(handle);
  if (!all_agree) {
    std::printf("conv2d_vs_cudnn: a thorax convolution differs from cuDNN by more than 1e-4 of the largest output (the "
                "error column above).\n");
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "conv2d_vs_cudnn: %s\n", e.what());
  return 1;
}
