// The LSTM op tables: the fused cell, and a layer over a whole sequence.
#include "kernels/lstm.h"

#include "kernels/cpu/lstm.h"
#include "kernels/cpu/lstm_cell_vec.h"
#include "kernels/cpu/lstm_layer.h"
#include "kernels/reference/lstm.h"

namespace thorax::kernels {

namespace {

Op<LstmCellKernel> make_lstm_cell_op(const cpu::CpuFeatures& f) {
  Op<LstmCellKernel> op{
      "lstm_cell",
      {{"reference", Backend::Reference, {ref::lstm_cell_forward<float>, ref::lstm_cell_backward<float>}},
       {"omp_simd", Backend::CPU, {cpu::lstm_cell_forward, cpu::lstm_cell_backward}}},
      "omp_simd"};
  // Listed slowest first: the default is the last one this CPU can run.
  if (f.has_avx2_fma()) {
    op.versions.push_back({"vec_avx2", Backend::CPU, {cpu::lstm_cell_forward_avx2, cpu::lstm_cell_backward_avx2}});
    op.default_cpu = "vec_avx2";
  } else {
    op.unavailable.push_back("vec_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back(
        {"vec_avx512", Backend::CPU, {cpu::lstm_cell_forward_avx512, cpu::lstm_cell_backward_avx512}});
    op.default_cpu = "vec_avx512";
  } else {
    op.unavailable.push_back("vec_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

}  // namespace

const Op<LstmCellKernel>& lstm_cell_op() {
  static const Op<LstmCellKernel> op = make_lstm_cell_op(cpu::detect_cpu_features());
  return op;
}

Op<LstmLayerKernel> make_lstm_layer_op(const cpu::CpuFeatures& f) {
  Op<LstmLayerKernel> op{
      "lstm_layer",
      {{"reference", Backend::Reference, {ref::lstm_layer_forward<float>, ref::lstm_layer_backward<float>}},
       {"sequence", Backend::CPU, {cpu::lstm_layer_forward, cpu::lstm_layer_backward}}},
      "sequence"};
  // Listed slowest first: the default is the last one this CPU can run (compare_lstm.py shows the order).
  if (f.has_avx2_fma()) {
    op.versions.push_back(
        {"sequence_avx2", Backend::CPU, {cpu::lstm_layer_forward_avx2, cpu::lstm_layer_backward_avx2}});
    op.default_cpu = "sequence_avx2";
  } else {
    op.unavailable.push_back("sequence_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back(
        {"sequence_avx512", Backend::CPU, {cpu::lstm_layer_forward_avx512, cpu::lstm_layer_backward_avx512}});
    op.default_cpu = "sequence_avx512";
  } else {
    op.unavailable.push_back("sequence_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

const Op<LstmLayerKernel>& lstm_layer_op() {
  static const Op<LstmLayerKernel> op = make_lstm_layer_op(cpu::detect_cpu_features());
  return op;
}

void describe_lstm(std::vector<VersionInfo>& out) {
  describe(lstm_cell_op(), out);
  describe(lstm_layer_op(), out);
}

}  // namespace thorax::kernels
