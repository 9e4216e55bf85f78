// The registry of CUDA kernels: every __global__ function of kernels/cuda/*.cu (each template instance
// that a wrapper launches), with the op and the version it implements. tests/cuda/registry_test.cpp fails
// unless every kernel listed here was launched by the emulated tests with its result checked against a
// CPU reference, under at least two block shapes per version, and unless every __global__ in the sources
// is listed here — so a kernel cannot be added without a test.
//
// `kernel` is the name launch() counts, i.e. the text inside THORAX_KERNEL(...) at the launch site.
#pragma once
#include <vector>

namespace thorax::cuda {

struct KernelEntry {
  const char* op;       // "softmax", "conv2d_forward", ...
  const char* version;  // "v1_naive", "v2_warp", ...: ordered from the simplest
  const char* kernel;   // "softmax_forward_warp_kernel"
};

const std::vector<KernelEntry>& kernel_registry();

}  // namespace thorax::cuda
