// A block of bytes on a device. CPU blocks are 64-byte aligned (one cache line, one AVX-512 vector)
// and zero-initialized only when asked; a Storage returns its block to the caching allocator
// (tensor/allocator.h) when the last Tensor lets go.
#pragma once
#include <cstddef>
#include <memory>

#include "tensor/device.h"

namespace thorax {

class Storage {
 public:
  Storage(size_t nbytes, Device device, bool zero);
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
};

}  // namespace thorax
