#include "tensor/allocator.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

namespace thorax {

namespace {

constexpr size_t kAlignment = 64;
constexpr int64_t kDefaultCacheMb = 8192;

// A non-negative integer from the environment, or `fallback` when unset; anything else is an error
// naming the variable.
int64_t env_integer(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long long x = std::strtoll(v, &end, 10);
  if (*end != '\0' || x < 0)
    throw std::invalid_argument(std::string(name) + "=" + v + ": expected a non-negative integer");
  return static_cast<int64_t>(x);
}

}  // namespace

size_t CpuAllocator::rounded_size(size_t bytes) {
  if (bytes <= kAlignment) return kAlignment;
  // 8 steps per power of two: for 2^k < bytes ≤ 2^(k+1), steps of 2^(k−3).
  size_t top = kAlignment;
  while (top < bytes) top <<= 1;
  const size_t step = std::max(kAlignment, top / 16);
  return (bytes + step - 1) / step * step;
}

CpuAllocator::CpuAllocator(int64_t cache_limit_bytes) : cache_limit_(cache_limit_bytes) {
  stats_.caching = cache_limit_bytes > 0;
}

CpuAllocator::~CpuAllocator() { empty_cache(); }

void* CpuAllocator::allocate(size_t bytes) {
  const size_t size = rounded_size(bytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.allocations;
    stats_.bytes_in_use += static_cast<int64_t>(size);
    stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      ++stats_.cache_hits;
      stats_.bytes_cached -= static_cast<int64_t>(size);
      return p;
    }
    ++stats_.os_allocations;
  }
  void* p = std::aligned_alloc(kAlignment, size);
  if (!p) {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.bytes_in_use -= static_cast<int64_t>(size);
    throw std::bad_alloc();
  }
  return p;
}

void CpuAllocator::release(void* p, size_t bytes) {
  if (!p) return;
  const size_t size = rounded_size(bytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.bytes_in_use -= static_cast<int64_t>(size);
    if (stats_.bytes_cached + static_cast<int64_t>(size) <= cache_limit_) {
      free_[size].push_back(p);
      stats_.bytes_cached += static_cast<int64_t>(size);
      return;
    }
  }
  std::free(p);
}

void CpuAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [size, blocks] : free_)
    for (void* p : blocks) std::free(p);
  free_.clear();
  stats_.bytes_cached = 0;
}

AllocatorStats CpuAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

CpuAllocator& cpu_allocator() {
  // Never destroyed: tensors held by other static objects may be released after it would be.
  static CpuAllocator* allocator =
      new CpuAllocator(env_integer("THORAX_CACHING_ALLOCATOR", 1) == 0
                           ? 0
                           : env_integer("THORAX_ALLOCATOR_CACHE_MB", kDefaultCacheMb) << 20);
  return *allocator;
}

}  // namespace thorax
