// Device memory (CUDA builds only): the caching allocator of each GPU, an owning buffer, and host<->device
// copies. The bookkeeping lives in caching_allocator.h (plain C++, tested without a GPU); this file binds it
// to cudaMalloc/cudaFree and to the current stream (stream.h).
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/cuda/caching_allocator.h"
#include "kernels/cuda/stream.h"

namespace thorax::cuda {

// The caching allocator of the current device (cudaGetDevice), created at its first use and kept for the
// life of the process: freeing device memory during static destruction, after the CUDA runtime may have
// shut down, would fail. release_cached() hands the cache back to the driver on demand (before another
// library needs the memory, or to measure).
CachingAllocator& device_allocator();

// Copies on the current stream. The synchronous ones wait for that stream (so for the kernels queued on it
// before them), then return; the *_async ones only queue the copy: the host memory must stay valid, and
// unchanged, until the stream is synchronized. Pageable host memory makes the "async" copy synchronous on
// the host side; page-locked memory (cudaMallocHost) lets it overlap with kernels.
void copy_to_device(void* device_dst, const void* host_src, std::size_t bytes);
void copy_to_host(void* host_dst, const void* device_src, std::size_t bytes);
void copy_to_device_async(void* device_dst, const void* host_src, std::size_t bytes, const Stream& stream);
void copy_to_host_async(void* host_dst, const void* device_src, std::size_t bytes, const Stream& stream);
void copy_device_to_device(void* device_dst, const void* device_src, std::size_t bytes);

// n elements of T in device memory from device_allocator(), allocated for the current stream and returned
// to the cache when destroyed. Move-only.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n)
      : data_(static_cast<T*>(device_allocator().allocate(n * sizeof(T), current_stream()))), size_(n) {}
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { upload(host); }
  DeviceBuffer(DeviceBuffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (data_ != nullptr) device_allocator().free(data_);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

  // host.size() must equal size(); both copies wait for the current stream.
  void upload(const std::vector<T>& host);
  std::vector<T> download() const {
    std::vector<T> host(size_);
    copy_to_host(host.data(), data_, bytes());
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// Throws a sentence naming both sizes (DeviceBuffer::upload's check, out of line).
void check_upload_size(std::size_t host_elements, std::size_t device_elements);

template <class T>
void DeviceBuffer<T>::upload(const std::vector<T>& host) {
  check_upload_size(host.size(), size_);
  copy_to_device(data_, host.data(), bytes());
}

}  // namespace thorax::cuda
