// The instruction-set-specific half of the vectorized depthwise convolution
// (kernels/cpu/depthwise_conv2d_vec.h): one (sample, channel) plane at a time, for stride-1 "same"
// convolutions (odd kH and kW, pad = (k − 1) / 2, dilation 1), whose output plane has the input's size,
// and for 3×3 stride-2 padding-1 ones (below).
// Then the plane can be read flattened: output o = oh·W + ow reads tap t = (ki, kj) at input
// o + off[t] with off[t] = (ki − pad_h)·W + (kj − pad_w), whatever the row, so each vector of L
// consecutive outputs (across row ends) needs one load per tap. Lanes whose tap falls outside the
// image (past a row end, above the first row, below the last) are masked: `bits` holds, per vector and
// tap, the valid lanes as a bit set, computed once per call by the caller.
//
// Each depthwise_plane_<isa>.cpp is compiled with its own -m flags and includes only this header and
// <immintrin.h>; the shared loops (depthwise_plane_simd.h) are instantiated there with internal linkage,
// so no code built for AVX-512 can be merged by the linker into code that runs on any CPU.
#pragma once
#include <cstdint>

namespace thorax::kernels::cpu {

// Kernels up to 7×7: the loops keep one broadcast weight (or one sum) per tap in an array of vectors.
constexpr int64_t kDepthwiseMaxTaps = 49;

struct DepthwisePlaneGeometry {
  int64_t plane;            // H·W outputs (= inputs)
  int64_t vectors;          // ceil(plane / lanes)
  int64_t taps;             // kH·kW
  const int64_t* offsets;   // [taps]: input offset of each tap
  const uint32_t* bits;     // [vectors × taps]: valid lanes of each vector for each tap
  const uint8_t* interior;  // [vectors]: 1 when every lane of every tap is valid (plain loads)
};

// Over `count` planes of one channel (the batch; x and y advance by x_step and y_step floats per plane,
// all with the same kernel w, so its taps are set up once): y = bias + Σ_t w[t]·x[· + off[t]] over the
// plane, or y += … when `accumulate` (then bias is ignored).
using DepthwisePlaneForwardFn = void (*)(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                         int64_t y_step, int64_t count, bool accumulate,
                                         const DepthwisePlaneGeometry& g);
// Over `count` planes of one channel (the batch; x and gy advance by x_step and gy_step floats per
// plane): gw[t] += Σ gy[o]·x[o + off[t]] (valid lanes), gb += Σ gy[o]; summed in float vectors that are
// added into the double totals every few hundred vectors.
using DepthwisePlaneWeightFn = void (*)(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                        double* gw, double* gb, const DepthwisePlaneGeometry& g);

// Stride 2, 3×3, padding 1, dilation 1: H_out = ceil(H / 2), W_out = ceil(W / 2). Planes run row by
// row (depthwise_plane_simd.h says how the taps are formed); no tables.
struct DepthwiseStride2Geometry {
  int64_t H, W, Ho, Wo;
};
// The same contracts as the stride-1 functions; `data` is backward-data for one (output channel →
// input channel) pair over `count` planes: gx = (or +=, when accumulate) the transposed convolution of gy.
using DepthwiseStride2ForwardFn = void (*)(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                           int64_t y_step, int64_t count, const DepthwiseStride2Geometry& g);
using DepthwiseStride2DataFn = void (*)(const float* gy, int64_t gy_step, const float* w, float* gx, int64_t gx_step,
                                        int64_t count, bool accumulate, const DepthwiseStride2Geometry& g);
using DepthwiseStride2WeightFn = void (*)(const float* x, int64_t x_step, const float* gy, int64_t gy_step,
                                          int64_t count, double* gw, double* gb, const DepthwiseStride2Geometry& g);

constexpr int64_t kDepthwiseAvx2Lanes = 8, kDepthwiseAvx512Lanes = 16;
void depthwise_plane_forward_avx2(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                  int64_t y_step, int64_t count, bool accumulate,
                                  const DepthwisePlaneGeometry& g);
void depthwise_plane_weight_avx2(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                 double* gw, double* gb, const DepthwisePlaneGeometry& g);
void depthwise_plane_forward_avx512(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                  int64_t y_step, int64_t count, bool accumulate,
                                    const DepthwisePlaneGeometry& g);
void depthwise_plane_weight_avx512(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                   double* gw, double* gb, const DepthwisePlaneGeometry& g);
void depthwise_s2_forward_avx2(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                 int64_t y_step, int64_t count, const DepthwiseStride2Geometry& g);
void depthwise_s2_data_avx2(const float* gy, int64_t gy_step, const float* w, float* gx, int64_t gx_step,
                              int64_t count, bool accumulate, const DepthwiseStride2Geometry& g);
void depthwise_s2_weight_avx2(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                              double* gw, double* gb, const DepthwiseStride2Geometry& g);
void depthwise_s2_forward_avx512(const float* x, int64_t x_step, const float* w, float bias, float* y,
                                 int64_t y_step, int64_t count, const DepthwiseStride2Geometry& g);
void depthwise_s2_data_avx512(const float* gy, int64_t gy_step, const float* w, float* gx, int64_t gx_step,
                              int64_t count, bool accumulate, const DepthwiseStride2Geometry& g);
void depthwise_s2_weight_avx512(const float* x, int64_t x_step, const float* gy, int64_t gy_step, int64_t count,
                                double* gw, double* gb, const DepthwiseStride2Geometry& g);

}  // namespace thorax::kernels::cpu
