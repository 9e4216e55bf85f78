// test_cuda_device: thorax's CUDA kernels and device runtime on a real GPU (nvcc build, thorax_cuda), each
// kernel against the CPU reference (kernels/reference). ctest label cuda-device: on a machine without a usable
// GPU it prints why and exits 77 (skipped), before any test runs. The emulated tests (test_cuda) prove the
// kernels right on the CPU; this proves the GPU build — the runtime, the streams, the copies — agrees.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kernels/cuda/conv2d.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/stream.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/gemm.h"

using namespace thorax::cuda;

namespace {

std::vector<float> ramp(std::size_t n, int salt) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(static_cast<int>((i * 37 + salt * 11) % 97) - 48) / 32.0f;
  return v;
}

// |got - want| <= 1e-4 * max|want| everywhere; reports the first element that is not.
void check_close(const std::vector<float>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  double scale = 0;
  for (float w : want) scale = std::fmax(scale, std::fabs(w));
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= 1e-4 * scale)) {
      CAPTURE(i);
      CHECK(got[i] == doctest::Approx(want[i]));
      return;
    }
  }
}

}  // namespace

TEST_CASE("cuda device: the three SGEMM versions match the reference on awkward and aligned shapes") {
  struct Shape {
    int M, N, K;
  };
  for (Shape s : {Shape{37, 53, 71}, Shape{64, 128, 32}, Shape{1, 300, 5}}) {
    CAPTURE(s.M);
    CAPTURE(s.N);
    CAPTURE(s.K);
    const auto a = ramp(std::size_t(s.M) * s.K, 1), b = ramp(std::size_t(s.K) * s.N, 2);
    std::vector<float> want(std::size_t(s.M) * s.N);
    thorax::kernels::ref::gemm<float>(false, false, s.M, s.N, s.K, 1.0f, a.data(), s.K, b.data(), s.N, 0.0f,
                                      want.data(), s.N);
    DeviceBuffer<float> A(a), B(b), C(want.size());
    sgemm_naive(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N);
    check_close(C.download(), want);
    sgemm_tiled(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N, 16);
    check_close(C.download(), want);
    sgemm_register_blocked(s.M, s.N, s.K, 1, A.data(), s.K, B.data(), s.N, 0, C.data(), s.N, 64);
    check_close(C.download(), want);
  }
}

TEST_CASE("cuda device: conv2d forward (implicit GEMM) matches the reference, stride 2 and padding") {
  thorax::kernels::Conv2dParams p;
  p.N = 2, p.C_in = 3, p.H = 13, p.W = 11, p.C_out = 5, p.kH = 3, p.kW = 3;
  p.stride_h = p.stride_w = 2, p.pad_h = p.pad_w = 1;
  Conv2dShape s;
  s.N = p.N, s.C_in = p.C_in, s.H = p.H, s.W = p.W, s.C_out = p.C_out, s.kH = p.kH, s.kW = p.kW;
  s.stride_h = s.stride_w = 2, s.pad_h = s.pad_w = 1, s.H_out = p.H_out(), s.W_out = p.W_out();
  const auto x = ramp(std::size_t(p.N * p.C_in * p.H * p.W), 3), w = ramp(std::size_t(p.C_out * p.C_in * 9), 4);
  const auto bias = ramp(std::size_t(p.C_out), 5);
  std::vector<float> want(std::size_t(p.N * p.C_out * p.H_out() * p.W_out()));
  thorax::kernels::ref::conv2d_forward(x.data(), w.data(), bias.data(), want.data(), p);
  DeviceBuffer<float> X(x), W(w), B(bias), Y(want.size());
  for (int tile : {8, 16}) {
    conv2d_forward(X.data(), W.data(), B.data(), Y.data(), s, tile);
    check_close(Y.download(), want);
  }
}

TEST_CASE("cuda device: a kernel on a created stream, between async copies, is ordered by that stream") {
  const std::size_t n = 100000;
  const auto a = ramp(n, 6), b = ramp(n, 7);
  std::vector<float> want(n), got(n, NAN);
  for (std::size_t i = 0; i < n; ++i) want[i] = a[i] + b[i];
  Stream stream = Stream::create();
  StreamGuard guard(stream);
  CHECK(current_stream() == stream.handle());
  DeviceBuffer<float> A(n), B(n), C(n);
  copy_to_device_async(A.data(), a.data(), A.bytes(), stream);
  copy_to_device_async(B.data(), b.data(), B.bytes(), stream);
  add_f32(A.data(), B.data(), C.data(), static_cast<std::int64_t>(n));
  copy_to_host_async(got.data(), C.data(), C.bytes(), stream);
  stream.synchronize();
  check_close(got, want);
}

TEST_CASE("cuda device: the caching allocator reuses a freed block and releases its cache on demand") {
  CachingAllocator& alloc = device_allocator();
  alloc.release_cached();
  const AllocatorStats before = alloc.stats();
  void* first = nullptr;
  {
    DeviceBuffer<float> buf(1000);
    first = buf.data();
  }
  DeviceBuffer<float> again(900);  // the same 4 KiB class on the same stream: the same block
  CHECK(again.data() == first);
  const AllocatorStats after = alloc.stats();
  CHECK(after.cache_hits == before.cache_hits + 1);
  CHECK(after.raw_allocations == before.raw_allocations + 1);
  { DeviceBuffer<float> other(300000); }
  CHECK(alloc.release_cached() >= 300000 * sizeof(float));
  CHECK(alloc.stats().bytes_cached == 0);
}

int main(int argc, char** argv) {
  const std::string why = unavailable_reason();
  if (!why.empty()) {
    std::printf("test_cuda_device: skipped: %s.\n", why.c_str());
    return 77;
  }
  const DeviceInfo d = device_info(0);
  if (d.major < 8) {
    std::printf("test_cuda_device: skipped: the %s is compute capability %d.%d; thorax's kernels are compiled for "
                "8.0 and newer.\n",
                d.name.c_str(), d.major, d.minor);
    return 77;
  }
  std::printf("test_cuda_device on %s\n", d.name.c_str());
  doctest::Context context(argc, argv);
  return context.run();
}
