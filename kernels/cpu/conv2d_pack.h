// The packing routines of the implicit-GEMM convolution (kernels/cpu/conv2d_implicit.h): they copy
// pieces of the implicit matrix V straight from the image into the micro-kernel's panels (layouts in
// kernels/cpu/gemm_block.h). Each conv2d_pack_<isa>.cpp is compiled with its own -m flags and includes
// only this header and <immintrin.h> (the loops, written once, are in conv2d_pack_simd.h), so no code
// built for AVX-512 can be merged by the linker into code that runs on any CPU.
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

// V: row r = (c, ti, tj) (c = r / taps, taps = n_off_h·n_off_w, ti = r % taps / n_off_w, tj = r % n_off_w),
// column (n, a, b) of an N × Ha × Wa grid, holds img[n·sample + (c·H + a·sh + off_h[ti])·W + b·sw + off_w[tj]],
// or 0 when that row or column falls outside the H × W plane.
struct ConvView {
  const float* img;
  int64_t sample, H, W, channels;
  const int64_t* off_h;
  int64_t n_off_h;
  const int64_t* off_w;
  int64_t n_off_w;
  int64_t sh, sw, N, Ha, Wa;
};

// Consecutive columns of V in one grid row: sample n, row a, columns b0 … b0+len−1, at offset pos of
// the block being packed.
struct ConvSegment {
  int64_t n, a, b0, len, pos;
};

struct ConvPackers {
  // V rows [r0, r0+kc) × the block's columns (nc in all) into NR-column panels, the last zero-padded.
  void (*view)(float* Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t kc,
               int64_t nc);
  // Vᵀ: the block's columns (kc in all) as rows, V rows [r0, r0+nc) as NR-column panels.
  void (*view_transposed)(float* Bp, const ConvView& v, const ConvSegment* segs, int64_t n_segs, int64_t r0, int64_t nc,
                          int64_t kc);
  // The weight gradient's A: rows [0, M) of gy (M planes of `grid` pixels per sample, samples `sample`
  // floats apart) over the batch's pixels [j0, j0+kc), into MR-row panels, the last zero-padded.
  void (*gy)(float* Ap, const float* gy, int64_t sample, int64_t grid, int64_t M, int64_t j0, int64_t kc);
};

// For the AVX2 (6×16 tile) and AVX-512 (8×48 tile) micro-kernels of kernels/cpu/gemm_block.h.
extern const ConvPackers kConvPackAvx2;
extern const ConvPackers kConvPackAvx512;

}  // namespace thorax::kernels::cpu
