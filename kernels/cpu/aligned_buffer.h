// Scratch memory for the packed kernels: 64-byte aligned float buffers (one cache line, one AVX-512
// vector), uninitialized, grown on demand and kept by their owner across the blocks it processes.
// They come from the caching allocator (tensor/allocator.h), so the megabytes a convolution needs are
// reused from call to call instead of being mapped and page-faulted in each time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>

#include "tensor/allocator.h"

namespace thorax::kernels::cpu {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(int64_t n)
      : data_(static_cast<float*>(cpu_allocator().allocate(static_cast<size_t>(n) * sizeof(float)))), n_(n) {}
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(o.data_), n_(o.n_) { o.data_ = nullptr, o.n_ = 0; }
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(n_, o.n_);
    return *this;
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { cpu_allocator().release(data_, static_cast<size_t>(n_) * sizeof(float)); }

  float* get() const { return data_; }
  float& operator[](int64_t i) const { return data_[i]; }

 private:
  float* data_ = nullptr;
  int64_t n_ = 0;
};

inline AlignedBuffer aligned_floats(int64_t n) { return AlignedBuffer(n); }

// A buffer that keeps its largest size: ensure(n) returns at least n floats, reallocating only to grow.
struct GrowingBuffer {
  AlignedBuffer data;
  int64_t size = 0;
  float* ensure(int64_t n) {
    if (n > size) data = aligned_floats(n), size = n;
    return data.get();
  }
};

inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

}  // namespace thorax::kernels::cpu
