// Device memory (device_memory.h): cudaMalloc behind the caching allocator, and the copies.
#include <cuda_runtime.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/error.h"

namespace thorax::cuda {

namespace {

// cudaMalloc on one device. Out of memory is reported as nullptr, so that the caching allocator can
// release its cache and retry; every other error throws.
class CudaMalloc final : public RawAllocator {
 public:
  explicit CudaMalloc(int device) : device_(device), name_("cudaMalloc on device " + std::to_string(device)) {}
  void* allocate(std::size_t bytes) override {
    void* p = nullptr;
    cudaError_t err = cudaMalloc(&p, bytes);
    if (err == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();  // not sticky: clear it so the next check does not report it again
      return nullptr;
    }
    check_cuda(err, name_ + " of " + std::to_string(bytes) + " bytes");
    return p;
  }
  void deallocate(void* p) override { check_cuda(cudaFree(p), "cudaFree on device " + std::to_string(device_)); }
  const char* name() const override { return name_.c_str(); }

 private:
  int device_;
  std::string name_;
};

struct PerDevice {
  std::unique_ptr<CudaMalloc> raw;
  std::unique_ptr<CachingAllocator> cache;
};

}  // namespace

CachingAllocator& device_allocator() {
  int device = 0;
  check_cuda(cudaGetDevice(&device), "cudaGetDevice");
  static std::mutex mutex;
  // Never destroyed, on purpose (device_memory.h): a leaked vector, not a static one.
  static auto* devices = new std::vector<PerDevice>();
  std::lock_guard<std::mutex> lock(mutex);
  if (devices->size() <= static_cast<std::size_t>(device)) devices->resize(static_cast<std::size_t>(device) + 1);
  PerDevice& d = (*devices)[static_cast<std::size_t>(device)];
  if (!d.cache) {
    d.raw = std::make_unique<CudaMalloc>(device);
    d.cache = std::make_unique<CachingAllocator>(*d.raw);
  }
  return *d.cache;
}

void copy_to_device_async(void* device_dst, const void* host_src, std::size_t bytes, const Stream& stream) {
  check_cuda(cudaMemcpyAsync(device_dst, host_src, bytes, cudaMemcpyHostToDevice, stream.handle()),
             "cudaMemcpyAsync host to device (" + std::to_string(bytes) + " bytes)");
}

void copy_to_host_async(void* host_dst, const void* device_src, std::size_t bytes, const Stream& stream) {
  check_cuda(cudaMemcpyAsync(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, stream.handle()),
             "cudaMemcpyAsync device to host (" + std::to_string(bytes) + " bytes)");
}

namespace {
// The synchronous copies: queued on the current stream behind its kernels, then waited for.
void copy_and_wait(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, const char* what) {
  cudaStream_t s = current_stream();
  check_cuda(cudaMemcpyAsync(dst, src, bytes, kind, s), std::string(what) + " (" + std::to_string(bytes) + " bytes)");
  check_cuda(cudaStreamSynchronize(s), std::string("cudaStreamSynchronize after ") + what);
}
}  // namespace

void copy_to_device(void* device_dst, const void* host_src, std::size_t bytes) {
  copy_and_wait(device_dst, host_src, bytes, cudaMemcpyHostToDevice, "cudaMemcpy host to device");
}

void copy_to_host(void* host_dst, const void* device_src, std::size_t bytes) {
  copy_and_wait(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, "cudaMemcpy device to host");
}

void copy_device_to_device(void* device_dst, const void* device_src, std::size_t bytes) {
  copy_and_wait(device_dst, device_src, bytes, cudaMemcpyDeviceToDevice, "cudaMemcpy device to device");
}

void check_upload_size(std::size_t host_elements, std::size_t device_elements) {
  if (host_elements != device_elements)
    throw std::invalid_argument("DeviceBuffer::upload: " + std::to_string(host_elements) +
                                " host elements into a device buffer of " + std::to_string(device_elements));
}

}  // namespace thorax::cuda
