// Matrix transpose in CUDA (transpose.cu). Pointers are device pointers (host pointers in the emulator).
#pragma once
#include <cstdint>

namespace thorax::cuda {

// out (cols x rows, leading dimension ld_out >= rows) = in (rows x cols, leading dimension ld_in >= cols)
// transposed. out must not overlap in.
// v1, kernel transpose_naive_kernel: one thread per element, block 16 x 16 (or block_x x block_y).
void transpose_naive(const float* in, std::int64_t rows, std::int64_t cols, std::int64_t ld_in, float* out,
                     std::int64_t ld_out, unsigned block_x = 16, unsigned block_y = 16);
// v2, kernel transpose_tiled_kernel<tile>: through a padded shared-memory tile; tile 8 or 16 (threads
// tile x tile).
void transpose_tiled(const float* in, std::int64_t rows, std::int64_t cols, std::int64_t ld_in, float* out,
                     std::int64_t ld_out, int tile = 16);

}  // namespace thorax::cuda
