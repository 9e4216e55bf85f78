// Matrix transpose, two versions: naive (v1) and shared-memory tiled (v2). The GEMMs of the LSTM and NT-Xent
// backwards need transposed operands; sgemm takes row-major operands only.
//
// Layout: in is rows x cols (row-major, leading dimension ld_in), out is cols x rows (ld_out).
// FLOPs: none; bytes: 8 per element. Memory bound, and the versions differ only in coalescing:
// - v1: thread (x, y) reads in[y][x] (consecutive threads, consecutive addresses: coalesced) and writes
//   out[x][y] (consecutive threads write ld_out floats apart: one memory transaction per thread).
// - v2: a block reads a tile x tile tile coalesced into shared memory, waits, and writes it back transposed,
//   again coalesced (threads swap roles: x now runs along the output row). The tile has one padding column
//   (tile + 1) so that reading a column of the tile touches tile different shared-memory banks instead of one.
// Limits: any rows, cols >= 0; grid.y <= 65535 tiles of rows. Deterministic (a copy).
#include <stdexcept>
#include <string>

#include "kernels/cuda/launch.h"
#include "kernels/cuda/transpose.h"

namespace thorax::cuda {

__global__ void transpose_naive_kernel(const float* in, std::int64_t rows, std::int64_t cols, std::int64_t ld_in,
                                       float* out, std::int64_t ld_out) {
  const std::int64_t x = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;  // column of in
  const std::int64_t y = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;  // row of in
  if (x < cols && y < rows) out[x * ld_out + y] = in[y * ld_in + x];
}

template <int TILE>
__global__ void transpose_tiled_kernel(const float* in, std::int64_t rows, std::int64_t cols, std::int64_t ld_in,
                                       float* out, std::int64_t ld_out) {
  __shared__ float tile[TILE][TILE + 1];
  const std::int64_t r0 = static_cast<std::int64_t>(blockIdx.y) * TILE, c0 = static_cast<std::int64_t>(blockIdx.x) * TILE;
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  if (r0 + ty < rows && c0 + tx < cols) tile[ty][tx] = in[(r0 + ty) * ld_in + c0 + tx];
  __syncthreads();  // the whole tile is in before anyone reads a column of it
  // Thread (tx, ty) now writes out row c0 + ty, column r0 + tx: consecutive tx, consecutive addresses.
  if (c0 + ty < cols && r0 + tx < rows) out[(c0 + ty) * ld_out + r0 + tx] = tile[tx][ty];
}

namespace {

unsigned cover(std::int64_t n, unsigned per_block) { return blocks_for(n, per_block); }

}  // namespace

void transpose_naive(const float* in, std::int64_t rows, std::int64_t cols, std::int64_t ld_in, float* out,
                     std::int64_t ld_out, unsigned block_x, unsigned block_y) {
  launch(THORAX_KERNEL(transpose_naive_kernel), Dim3(cover(cols, block_x), cover(rows, block_y)), Dim3(block_x, block_y),
         0, in, rows, cols, ld_in, out, ld_out);
}

void transpose_tiled(const float* in, std::int64_t rows, std::int64_t cols, std::int64_t ld_in, float* out,
                     std::int64_t ld_out, int tile) {
  auto run = [&](auto kernel, unsigned t) {
    launch(kernel, Dim3(cover(cols, t), cover(rows, t)), Dim3(t, t), 0, in, rows, cols, ld_in, out, ld_out);
  };
  switch (tile) {
    case 8: run(THORAX_KERNEL(transpose_tiled_kernel<8>), 8); break;
    case 16: run(THORAX_KERNEL(transpose_tiled_kernel<16>), 16); break;
    default: throw std::invalid_argument("transpose_tiled: tile must be 8 or 16 (got " + std::to_string(tile) + ")");
  }
}

}  // namespace thorax::cuda
