#include <cuda_runtime.h>

#include "kernels/cuda/error.h"
#include "kernels/cuda/runtime.h"

namespace thorax::cuda {

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) return 0;
  return n;
}

std::string unavailable_reason() {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  // The failed query leaves its error for the next cudaGetLastError: clear it, it is reported here.
  (void)cudaGetLastError();
  if (e == cudaSuccess && n > 0) return "";
  int driver = 0;
  cudaDriverGetVersion(&driver);
  // Without libcuda.so.1 the query fails as "insufficient driver" and the driver version reads 0.
  if (driver == 0) return "no NVIDIA driver is installed on this machine, so there is no GPU to run on";
  if (e == cudaErrorInsufficientDriver) {
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    return "the NVIDIA driver supports CUDA " + std::to_string(driver / 1000) + "." +
           std::to_string(driver % 1000 / 10) + ", older than the CUDA " + std::to_string(runtime / 1000) + "." +
           std::to_string(runtime % 1000 / 10) + " this thorax was built with";
  }
  if (e == cudaSuccess || e == cudaErrorNoDevice) return "the NVIDIA driver is installed but finds no CUDA GPU on this machine";
  return std::string("the CUDA runtime cannot use a GPU here: ") + cudaGetErrorString(e);
}

DeviceInfo device_info(int device) {
  cudaDeviceProp p{};
  check_cuda(cudaGetDeviceProperties(&p, device), "cudaGetDeviceProperties for device " + std::to_string(device));
  DeviceInfo d;
  d.name = p.name;
  d.major = p.major;
  d.minor = p.minor;
  d.sm_count = p.multiProcessorCount;
  d.memory_bus_bits = p.memoryBusWidth;
  d.total_memory = p.totalGlobalMem;
  // CUDA 13 dropped the clock fields from cudaDeviceProp; the attributes remain.
  check_cuda(cudaDeviceGetAttribute(&d.clock_khz, cudaDevAttrClockRate, device), "cudaDeviceGetAttribute(clock rate)");
  check_cuda(cudaDeviceGetAttribute(&d.memory_clock_khz, cudaDevAttrMemoryClockRate, device),
             "cudaDeviceGetAttribute(memory clock rate)");
  return d;
}

}  // namespace thorax::cuda
