// The caching CPU allocator: size classes, reuse of released blocks, the cache limit, disabling, stats,
// and that tensors allocated step after step stop reaching the C library.
#include "tensor/allocator.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "tensor/tensor.h"

using namespace thorax;

TEST_CASE("allocator: sizes round up to 8 classes per power of two, 64 bytes at least") {
  CHECK(CpuAllocator::rounded_size(0) == 64);
  CHECK(CpuAllocator::rounded_size(1) == 64);
  CHECK(CpuAllocator::rounded_size(64) == 64);
  CHECK(CpuAllocator::rounded_size(65) == 128);
  CHECK(CpuAllocator::rounded_size(1000) == 1024);
  CHECK(CpuAllocator::rounded_size((size_t(1) << 20) + 1) == (size_t(1) << 20) + (size_t(1) << 17));
  for (size_t b : {size_t(3), size_t(200), size_t(4097), size_t(123456789)}) {
    const size_t r = CpuAllocator::rounded_size(b);
    CHECK(r >= b);
    CHECK(r % 64 == 0);
    CHECK(static_cast<double>(r) <= 1.125 * static_cast<double>(b) + 64);
  }
}

TEST_CASE("allocator: a released block is handed out again for the same size class, aligned") {
  CpuAllocator a(int64_t(1) << 30);
  void* p = a.allocate(5000);
  CHECK(reinterpret_cast<uintptr_t>(p) % 64 == 0);
  a.release(p, 5000);
  CHECK(a.stats().bytes_cached == static_cast<int64_t>(CpuAllocator::rounded_size(5000)));
  void* q = a.allocate(4900);  // same class as 5000
  CHECK(q == p);
  void* r = a.allocate(20000);  // another class: a new block
  CHECK(r != p);
  const AllocatorStats s = a.stats();
  CHECK(s.allocations == 3);
  CHECK(s.cache_hits == 1);
  CHECK(s.os_allocations == 2);
  CHECK(s.bytes_cached == 0);
  CHECK(s.bytes_in_use == static_cast<int64_t>(CpuAllocator::rounded_size(4900) + CpuAllocator::rounded_size(20000)));
  a.release(q, 4900);
  a.release(r, 20000);
  CHECK(a.stats().bytes_in_use == 0);
  CHECK(a.stats().peak_bytes_in_use == s.bytes_in_use);
  a.empty_cache();
  CHECK(a.stats().bytes_cached == 0);
}

TEST_CASE("allocator: the cache limit, and a limit of zero turns caching off") {
  CpuAllocator small(4096);
  void* p = small.allocate(3000);
  void* q = small.allocate(3000);
  small.release(p, 3000);
  small.release(q, 3000);  // would exceed 4096 cached bytes: freed
  CHECK(small.stats().bytes_cached == 3072);
  CpuAllocator off(0);
  CHECK_FALSE(off.stats().caching);
  for (int i = 0; i < 2; ++i) {
    void* r = off.allocate(100);
    off.release(r, 100);
  }
  CHECK(off.stats().bytes_cached == 0);
  CHECK(off.stats().cache_hits == 0);
  CHECK(off.stats().os_allocations == 2);
}

TEST_CASE("allocator: threads allocating and releasing concurrently keep the books balanced") {
  CpuAllocator a(int64_t(1) << 30);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&a, t] {
      for (int i = 0; i < 2000; ++i) {
        const size_t bytes = 64 * size_t(1 + (i * 7 + t) % 50);
        void* p = a.allocate(bytes);
        static_cast<char*>(p)[bytes - 1] = 1;
        a.release(p, bytes);
      }
    });
  for (auto& th : threads) th.join();
  const AllocatorStats s = a.stats();
  CHECK(s.bytes_in_use == 0);
  CHECK(s.allocations == 8000);
  CHECK(s.cache_hits + s.os_allocations == 8000);
  CHECK(s.os_allocations <= 4 * 50);  // at most one block per size class per thread in flight
}

TEST_CASE("allocator: tensors of a repeated step reuse their storage (the process-wide allocator)") {
  CpuAllocator& a = cpu_allocator();
  if (!a.stats().caching) {
    MESSAGE("THORAX_CACHING_ALLOCATOR=0: the process-wide allocator does not cache, nothing to check");
    return;
  }
  auto step = [] {
    Tensor x = Tensor::zeros({64, 1000});
    Tensor y = Tensor::empty({64, 1000});
    Tensor z = Tensor::empty({7, 13});
    CHECK(x.data<float>()[63999] == 0.0f);  // zeroed even when the block is reused
    x.data<float>()[63999] = 5.0f;
  };
  step();
  const AllocatorStats before = a.stats();
  for (int i = 0; i < 3; ++i) step();
  const AllocatorStats after = a.stats();
  CHECK(after.allocations - before.allocations == 9);
  CHECK(after.os_allocations == before.os_allocations);
}
