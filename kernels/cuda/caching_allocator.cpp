// The caching allocator's bookkeeping (caching_allocator.h). No CUDA here: the memory comes from a
// RawAllocator, so tests run all of it with host malloc.
#include "kernels/cuda/caching_allocator.h"

#include <bit>
#include <limits>
#include <stdexcept>
#include <string>

namespace thorax::cuda {

namespace {
// "4.0 KiB", "1.5 MiB": one decimal is enough to compare a request with what is in use.
std::string human_bytes(std::size_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  std::size_t unit = 1;
  while (u < 4 && bytes >= unit * 1024) {
    unit *= 1024;
    ++u;
  }
  if (u == 0) return std::to_string(bytes) + " bytes";
  const std::size_t tenths = (bytes * 10 + unit / 2) / unit;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " " + units[u];
}
}  // namespace

std::size_t size_class(std::size_t bytes) {
  if (bytes <= kSmallAllocationLimit) {
    if (bytes == 0) return kSmallGranularity;
    return (bytes + kSmallGranularity - 1) / kSmallGranularity * kSmallGranularity;
  }
  // A quarter of the power of two at or below `bytes`: 2^k <= bytes < 2^(k+1) rounds up to 1.25, 1.5,
  // 1.75 or 2 times 2^k.
  const std::size_t step = std::bit_floor(bytes) / 4;
  if (bytes > std::numeric_limits<std::size_t>::max() - step)
    throw std::length_error("device allocation of " + std::to_string(bytes) + " bytes: larger than any device memory");
  return (bytes + step - 1) / step * step;
}

CachingAllocator::~CachingAllocator() { release_cached_locked(); }

void* CachingAllocator::allocate(std::size_t bytes, Stream stream) {
  const std::size_t cls = size_class(bytes);
  std::lock_guard<std::mutex> lock(mutex_);
  void* p = nullptr;
  auto it = cached_.find({stream, cls});
  if (it != cached_.end() && !it->second.empty()) {
    p = it->second.back();
    it->second.pop_back();
    stats_.bytes_cached -= cls;
    ++stats_.cache_hits;
  } else {
    p = raw_.allocate(cls);
    if (p == nullptr && stats_.bytes_cached > 0) {
      // Blocks of other sizes or streams sit unused in the cache: give them back and try once more.
      ++stats_.out_of_memory_retries;
      release_cached_locked();
      p = raw_.allocate(cls);
    }
    if (p == nullptr)
      throw std::runtime_error(std::string(raw_.name()) + ": out of memory allocating " + human_bytes(cls) + " (" +
                               std::to_string(bytes) + " bytes requested) with " + human_bytes(stats_.bytes_in_use) +
                               " in use by thorax and nothing left in its cache");
    ++stats_.raw_allocations;
  }
  in_use_.emplace(p, Block{cls, bytes, stream});
  stats_.bytes_in_use += cls;
  stats_.bytes_requested += bytes;
  if (stats_.bytes_in_use > stats_.peak_bytes_in_use) stats_.peak_bytes_in_use = stats_.bytes_in_use;
  return p;
}

void CachingAllocator::free(void* p) {
  if (p == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = in_use_.find(p);
  if (it == in_use_.end())
    throw std::logic_error(std::string(raw_.name()) +
                           ": free of a pointer this allocator did not hand out, or freed twice");
  const Block b = it->second;
  in_use_.erase(it);
  stats_.bytes_in_use -= b.size_class;
  stats_.bytes_requested -= b.requested;
  cached_[{b.stream, b.size_class}].push_back(p);
  stats_.bytes_cached += b.size_class;
}

std::size_t CachingAllocator::release_cached() {
  std::lock_guard<std::mutex> lock(mutex_);
  return release_cached_locked();
}

std::size_t CachingAllocator::release_cached_locked() {
  std::size_t released = 0;
  for (auto& [key, blocks] : cached_) {
    for (void* p : blocks) {
      raw_.deallocate(p);
      ++stats_.raw_frees;
      released += key.second;
    }
  }
  cached_.clear();
  stats_.bytes_cached -= released;
  return released;
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

}  // namespace thorax::cuda
