// A caching allocator for device memory: freed blocks are kept, by size class and stream, and handed out
// again instead of being returned to the driver. cudaMalloc and cudaFree are slow (a millisecond is common)
// and cudaFree synchronizes the whole device, so a training step that allocates its activations afresh
// would spend more time in the driver than in its kernels. Plain C++: the "device malloc" is a RawAllocator,
// cudaMalloc in the CUDA build (device_memory.cu) and a host malloc in tests (tests/cuda), so every line of
// the bookkeeping below is tested on a machine without a GPU.
//
// Size classes (size_class()): requests up to 1 MiB round up to a multiple of 512 bytes (kernels like
// 512-byte alignment, and small tensors are many); larger ones round up to a quarter of their power of two
// (1.25, 1.5, 1.75 or 2 times 2^k), so a cached block is never more than 25% larger than the request that
// reuses it, while tensors of nearby sizes (one batch to the next) share a class.
//
// Streams: a block is reused only by a request on the stream that freed it. Work on one stream runs in
// order, so a block freed on stream S (while S's kernels may still read it) is safe to hand to the next
// allocation on S, whose kernels run after. Handing it to another stream would need an event; we do not.
// So free a stream's blocks before destroying it (or synchronize it first): a new stream may reuse its handle.
//
// When the raw allocator fails, every cached block is released and the request is tried once more; when
// that fails too, allocate() throws a sentence with the sizes involved. Thread-safe (one mutex).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace thorax::cuda {

// What a caching allocator gets its memory from. allocate returns nullptr when out of memory (and throws
// only for other errors); deallocate receives only pointers that allocate returned.
class RawAllocator {
 public:
  virtual ~RawAllocator() = default;
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void deallocate(void* p) = 0;
  virtual const char* name() const = 0;  // for error messages: "cudaMalloc on device 0"
};

inline constexpr std::size_t kSmallAllocationLimit = std::size_t(1) << 20;  // 1 MiB
inline constexpr std::size_t kSmallGranularity = 512;

// The bytes actually reserved for a request of `bytes` (see the header comment). size_class(0) is 512:
// every allocation gets a distinct, valid pointer.
std::size_t size_class(std::size_t bytes);

struct AllocatorStats {
  std::size_t bytes_in_use = 0;     // size classes of the blocks handed out and not yet freed
  std::size_t bytes_cached = 0;     // size classes of the freed blocks kept for reuse
  std::size_t peak_bytes_in_use = 0;  // the largest bytes_in_use since construction or reset_peak()
  std::size_t bytes_requested = 0;  // the requests (before rounding) of the blocks in use
  std::int64_t raw_allocations = 0;  // calls to the raw allocator that succeeded
  std::int64_t raw_frees = 0;
  std::int64_t cache_hits = 0;       // allocations served from the cache
  std::int64_t out_of_memory_retries = 0;  // raw failures answered by releasing the cache and retrying
};

class CachingAllocator {
 public:
  using Stream = const void*;  // a cudaStream_t, opaque here; nullptr is the legacy default stream

  explicit CachingAllocator(RawAllocator& raw) : raw_(raw) {}
  // Releases the cached blocks. Blocks still in use are a leak the caller made: they are not freed here,
  // because kernels may still be using them.
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  void* allocate(std::size_t bytes, Stream stream = nullptr);
  // Returns p to the cache of the stream it was allocated on. Throws for a pointer this allocator did not
  // hand out (or already took back): freeing it would corrupt the cache.
  void free(void* p);
  // Returns every cached block to the raw allocator; the bytes released. Blocks in use are untouched.
  std::size_t release_cached();

  AllocatorStats stats() const;
  void reset_peak();  // peak_bytes_in_use = bytes_in_use, to measure the peak of one phase

 private:
  struct Block {
    std::size_t size_class;
    std::size_t requested;
    Stream stream;
  };
  std::size_t release_cached_locked();

  RawAllocator& raw_;
  mutable std::mutex mutex_;
  std::unordered_map<void*, Block> in_use_;
  std::map<std::pair<Stream, std::size_t>, std::vector<void*>> cached_;  // (stream, size class) -> blocks
  AllocatorStats stats_;
};

}  // namespace thorax::cuda
