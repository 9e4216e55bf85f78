// Run under mpirun on a machine with GPUs: every rank fills a device buffer with rank + 1 and sums it with NCCL;
// each element must become n(n+1)/2. Exits 77 (skipped, with the reason) where no CUDA device exists.
#include <cuda_runtime.h>

#include <cstdio>
#include <vector>

#include "train/comm/nccl_allreduce.h"

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("skipped: no CUDA device on this machine (the NCCL all-reduce was compiled, not run)\n");
    return 77;
  }
  auto& world = thorax::train::mpi_world();
  thorax::train::NcclAllreduce nccl(world);
  const size_t n = 1000003;  // not a multiple of any chunk size
  std::vector<float> host(n, static_cast<float>(world.rank() + 1));
  float* dev = nullptr;
  cudaMalloc(&dev, n * sizeof(float));
  cudaMemcpy(dev, host.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  nccl.sum(dev, n);
  cudaMemcpy(host.data(), dev, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dev);
  const float expected = world.size() * (world.size() + 1) / 2.0f;
  for (float v : host)
    if (v != expected) {
      std::printf("rank %d: got %g, expected %g\n", world.rank(), v, expected);
      return 1;
    }
  std::printf("rank %d: NCCL all-reduce of %zu floats correct\n", world.rank(), n);
  return 0;
}
