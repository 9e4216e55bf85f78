// Kernels that exist only for the emulator tests (test_kernels.cu, compiled as host C++ with the shim).
#pragma once
#include <cstdint>

namespace thorax::cuda::test {

// reduce_sum_shared_kernel with its first __syncthreads removed: partial[b] = block b's sum — or not.
void reduce_sum_racy(const float* x, std::int64_t n, float* partial, unsigned grid, unsigned block);

// out[t] for thread t of one block of `block` threads (block % 32 == 0 for the warp probes):
void probe_shfl_down(int* out, unsigned block);      // lane + 3, or the lane itself past the warp end
void probe_shfl_xor(int* out, unsigned block);       // lane ^ 5
void probe_shfl_up_width(int* out, unsigned block);  // width 8: lane - 2, or itself in a segment's first 2
void probe_shfl_idx(int* out, unsigned block);       // lane 7's value, broadcast
void probe_ballot(unsigned* out, unsigned block);    // ballot of (lane % 3 == 0); any/all in out[block..]
void probe_atomics(int* counter, int* maximum, unsigned grid, unsigned block);  // += 1 and max(tid) per thread
void probe_index(int* out, unsigned gx, unsigned gy, unsigned bx, unsigned by, unsigned bz);  // linear ids
void probe_deadlock(unsigned block);                 // half of warp 0 at __syncthreads, half at __syncwarp
void probe_invalid_block(unsigned block);            // launches with the given (too large) block

}  // namespace thorax::cuda::test
