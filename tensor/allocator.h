// The CPU memory allocator behind every tensor's storage and the kernels' scratch buffers: 64-byte
// aligned blocks, kept on size-class free lists when released and handed out again for requests of
// the same class, so a training loop that allocates the same shapes step after step stops asking the
// OS for memory (and stops page-faulting freshly mapped megabytes) after its first step.
//
// Size classes: requests are rounded up to one of 8 steps per power of two (at most 12.5% extra),
// 64 bytes at least. Released blocks are cached up to a limit (default: 8 GiB, or
// THORAX_ALLOCATOR_CACHE_MB); beyond it they go back to the OS. THORAX_CACHING_ALLOCATOR=0 turns the
// cache off (every block straight from and back to the C library), for measuring or debugging.
// Thread-safe (one mutex; the kernels allocate per call, not per element). This is the one piece of
// process-wide mutable state in tensor/: a cache is only useful if everyone shares it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace thorax {

struct AllocatorStats {
  int64_t allocations = 0;     // allocate() calls
  int64_t cache_hits = 0;      // of those, served from the cache
  int64_t os_allocations = 0;  // blocks obtained from the C library
  int64_t bytes_in_use = 0;    // handed out and not yet released (rounded sizes)
  int64_t peak_bytes_in_use = 0;
  int64_t bytes_cached = 0;  // released and kept for reuse
  bool caching = true;
};

class CpuAllocator {
 public:
  // cache_limit_bytes = 0 disables caching.
  explicit CpuAllocator(int64_t cache_limit_bytes);
  ~CpuAllocator();
  CpuAllocator(const CpuAllocator&) = delete;
  CpuAllocator& operator=(const CpuAllocator&) = delete;

  // At least `bytes` (0 is allowed), 64-byte aligned, uninitialized. Throws std::bad_alloc.
  void* allocate(size_t bytes);
  // `bytes` must be the size given to allocate(). Null is ignored.
  void release(void* p, size_t bytes);
  // Returns every cached block to the OS.
  void empty_cache();
  AllocatorStats stats() const;

  // The size allocate(bytes) really reserves.
  static size_t rounded_size(size_t bytes);

 private:
  mutable std::mutex mutex_;
  int64_t cache_limit_;
  std::unordered_map<size_t, std::vector<void*>> free_;  // rounded size → cached blocks
  AllocatorStats stats_;
};

// The process-wide allocator, made on first use from the environment (see above).
CpuAllocator& cpu_allocator();

}  // namespace thorax
