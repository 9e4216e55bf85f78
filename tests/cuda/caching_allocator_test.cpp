// The device caching allocator's bookkeeping (kernels/cuda/caching_allocator.h), with host malloc standing in
// for cudaMalloc: size classes, reuse by size class and stream, statistics, release on demand, and the
// release-and-retry answer to running out of memory.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cuda/caching_allocator.h"

using thorax::cuda::CachingAllocator;
using thorax::cuda::size_class;

namespace {

constexpr std::size_t KiB = 1024, MiB = 1024 * 1024;

// A device of `capacity` bytes backed by malloc: returns nullptr, as CudaMalloc does on
// cudaErrorMemoryAllocation, when a request would go over it. Checks every pointer it gets back.
class HostDevice final : public thorax::cuda::RawAllocator {
 public:
  explicit HostDevice(std::size_t capacity = std::numeric_limits<std::size_t>::max()) : capacity_(capacity) {}
  ~HostDevice() override {
    for (auto& [p, bytes] : live_) std::free(p);
  }
  void* allocate(std::size_t bytes) override {
    if (bytes > capacity_ - used_) return nullptr;
    void* p = std::malloc(bytes);
    REQUIRE(p != nullptr);
    live_.emplace(p, bytes);
    used_ += bytes;
    return p;
  }
  void deallocate(void* p) override {
    auto it = live_.find(p);
    REQUIRE_MESSAGE(it != live_.end(), "the allocator returned a pointer the device never gave it");
    used_ -= it->second;
    live_.erase(it);
    std::free(p);
  }
  const char* name() const override { return "host malloc (test)"; }
  std::size_t used() const { return used_; }
  std::size_t blocks() const { return live_.size(); }

 private:
  std::size_t capacity_, used_ = 0;
  std::map<void*, std::size_t> live_;
};

const void* const kStreamA = reinterpret_cast<const void*>(std::uintptr_t{0x1000});
const void* const kStreamB = reinterpret_cast<const void*>(std::uintptr_t{0x2000});

}  // namespace

TEST_CASE("cuda allocator: size classes are 512-byte multiples up to 1 MiB, then quarters of a power of two") {
  CHECK(size_class(0) == 512);
  CHECK(size_class(1) == 512);
  CHECK(size_class(512) == 512);
  CHECK(size_class(513) == 1024);
  CHECK(size_class(1 * MiB) == 1 * MiB);
  CHECK(size_class(1 * MiB + 1) == 1 * MiB + 256 * KiB);  // 1.25 x 2^20
  CHECK(size_class(3 * MiB) == 3 * MiB);                   // 1.5 x 2^21 exactly
  CHECK(size_class(3 * MiB + 1) == 3 * MiB + 512 * KiB);   // 1.75 x 2^21
  CHECK(size_class(7 * MiB + 1) == 8 * MiB);               // past 1.75 x 2^22: the next power of two
  CHECK(size_class(std::size_t(1) << 33) == std::size_t(1) << 33);
  CHECK_THROWS_AS(size_class(std::numeric_limits<std::size_t>::max()), std::length_error);

  // Over a sweep of sizes, odd ones included: a class holds its request, wastes under 25% above 1 MiB (512
  // bytes below), never shrinks as requests grow, and is its own class (a cached block fits its class).
  std::size_t previous = 0;
  for (std::size_t bytes = 1; bytes < (std::size_t(1) << 34); bytes = bytes * 9 / 8 + 77) {
    const std::size_t c = size_class(bytes);
    REQUIRE(c >= bytes);
    if (bytes > 1 * MiB)
      REQUIRE(c - bytes < bytes / 4);
    else
      REQUIRE(c - bytes < 512);
    REQUIRE(c >= previous);
    REQUIRE(size_class(c) == c);
    previous = c;
  }
}

TEST_CASE("cuda allocator: a freed block is reused by the next request of its class on its stream") {
  HostDevice device;
  CachingAllocator alloc(device);
  void* p = alloc.allocate(1000, kStreamA);
  auto s = alloc.stats();
  CHECK(s.bytes_in_use == 1024);
  CHECK(s.bytes_requested == 1000);
  CHECK(s.raw_allocations == 1);
  alloc.free(p);
  s = alloc.stats();
  CHECK(s.bytes_in_use == 0);
  CHECK(s.bytes_cached == 1024);
  CHECK(device.blocks() == 1);  // kept, not returned to the device

  void* q = alloc.allocate(900, kStreamA);  // same class (1024): the cached block
  CHECK(q == p);
  s = alloc.stats();
  CHECK(s.cache_hits == 1);
  CHECK(s.raw_allocations == 1);
  CHECK(s.bytes_cached == 0);

  // Another stream may still be running kernels that read the block when it is freed: never shared.
  alloc.free(q);
  void* r = alloc.allocate(900, kStreamB);
  CHECK(r != p);
  CHECK(alloc.stats().raw_allocations == 2);
  // A different class on the same stream is a new block too.
  void* big = alloc.allocate(5000, kStreamA);
  CHECK(big != p);
  CHECK(alloc.stats().raw_allocations == 3);
  CHECK(alloc.allocate(1024, kStreamA) == p);
  alloc.free(p);
  alloc.free(r);
  alloc.free(big);
}

TEST_CASE("cuda allocator: peak and in-use bytes follow allocations; release_cached returns the cache only") {
  HostDevice device;
  CachingAllocator alloc(device);
  std::vector<void*> blocks;
  for (int i = 0; i < 4; ++i) blocks.push_back(alloc.allocate(3 * MiB));  // 3 MiB each, its own class
  CHECK(alloc.stats().peak_bytes_in_use == 12 * MiB);
  alloc.free(blocks[0]);
  alloc.free(blocks[1]);
  auto s = alloc.stats();
  CHECK(s.bytes_in_use == 6 * MiB);
  CHECK(s.bytes_cached == 6 * MiB);
  CHECK(s.peak_bytes_in_use == 12 * MiB);
  alloc.reset_peak();
  CHECK(alloc.stats().peak_bytes_in_use == 6 * MiB);

  CHECK(alloc.release_cached() == 6 * MiB);
  s = alloc.stats();
  CHECK(s.bytes_cached == 0);
  CHECK(s.raw_frees == 2);
  CHECK(s.bytes_in_use == 6 * MiB);
  CHECK(device.used() == 6 * MiB);  // the two blocks in use stay allocated
  CHECK(alloc.release_cached() == 0);
  alloc.free(blocks[2]);
  alloc.free(blocks[3]);
}

TEST_CASE("cuda allocator: out of memory releases the cache and retries once, then says what was asked") {
  HostDevice device(8 * KiB);
  CachingAllocator alloc(device);
  void* small = alloc.allocate(4 * KiB);
  alloc.free(small);                       // 4 KiB cached, the device is half full
  void* large = alloc.allocate(6 * KiB);   // does not fit beside the cached block: release, then fit
  auto s = alloc.stats();
  CHECK(s.out_of_memory_retries == 1);
  CHECK(s.bytes_cached == 0);
  CHECK(s.bytes_in_use == 6 * KiB);
  CHECK(device.used() == 6 * KiB);

  // Nothing cached to give back: the request fails with a sentence naming the sizes.
  std::string message;
  try {
    alloc.allocate(4 * KiB);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK(message ==
        "host malloc (test): out of memory allocating 4.0 KiB (4096 bytes requested) with 6.0 KiB in use by thorax "
        "and nothing left in its cache");
  CHECK(alloc.stats().out_of_memory_retries == 1);  // no cache to release: no retry counted
  alloc.free(large);

  // Larger sizes in MiB, rounded to a tenth.
  HostDevice tiny(3 * MiB);
  CachingAllocator alloc2(tiny);
  void* two = alloc2.allocate(2 * MiB);
  try {
    alloc2.allocate(1536 * KiB);
    FAIL("allocated beyond the device's capacity");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("allocating 1.5 MiB (1572864 bytes requested) with 2.0 MiB in use") !=
          std::string::npos);
  }
  alloc2.free(two);
}

TEST_CASE("cuda allocator: freeing a foreign pointer or freeing twice is an error, free(nullptr) is not") {
  HostDevice device;
  CachingAllocator alloc(device);
  int local = 0;
  CHECK_THROWS_WITH_AS(alloc.free(&local), "host malloc (test): free of a pointer this allocator did not hand out, or freed twice",
                       std::logic_error);
  void* p = alloc.allocate(64);
  alloc.free(p);
  CHECK_THROWS_AS(alloc.free(p), std::logic_error);
  CHECK(alloc.stats().bytes_cached == 512);  // the failed second free changed nothing
  CHECK_NOTHROW(alloc.free(nullptr));
}

TEST_CASE("cuda allocator: destruction returns the cached blocks to the device") {
  HostDevice device;
  {
    CachingAllocator alloc(device);
    std::vector<void*> blocks;
    for (std::size_t bytes : {std::size_t{100}, std::size_t{5000}, 2 * MiB + 3, std::size_t{100}}) blocks.push_back(alloc.allocate(bytes));
    for (void* p : blocks) alloc.free(p);
    CHECK(device.blocks() == 4);
  }
  CHECK(device.blocks() == 0);
  CHECK(device.used() == 0);
}

TEST_CASE("cuda allocator: concurrent allocations from several threads keep the books balanced") {
  HostDevice device;
  CachingAllocator alloc(device);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&alloc, t] {
      // Each thread its own stream, as each host thread has its own per-thread default stream.
      const void* stream = reinterpret_cast<const void*>(static_cast<std::uintptr_t>(0x100 * (t + 1)));
      std::vector<void*> held;
      for (int i = 0; i < 200; ++i) {
        held.push_back(alloc.allocate(static_cast<std::size_t>(256 + 97 * ((i * 7 + t) % 23)), stream));
        if (i % 3 == 2) {
          alloc.free(held.front());
          held.erase(held.begin());
        }
      }
      for (void* p : held) alloc.free(p);
    });
  }
  for (auto& th : threads) th.join();
  auto s = alloc.stats();
  CHECK(s.bytes_in_use == 0);
  CHECK(s.bytes_requested == 0);
  CHECK(s.bytes_cached == device.used());
  CHECK(s.raw_allocations == static_cast<std::int64_t>(device.blocks()));
  CHECK(s.cache_hits + s.raw_allocations == 4 * 200);
}
