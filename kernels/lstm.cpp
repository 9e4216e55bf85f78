// The LSTM cell op table.
#include "kernels/lstm.h"

#include "kernels/cpu/lstm.h"
#include "kernels/reference/lstm.h"

namespace thorax::kernels {

const Op<LstmCellKernel>& lstm_cell_op() {
  static const Op<LstmCellKernel> op{
      "lstm_cell",
      {{"reference", Backend::Reference, {ref::lstm_cell_forward<float>, ref::lstm_cell_backward<float>}},
       {"omp_simd", Backend::CPU, {cpu::lstm_cell_forward, cpu::lstm_cell_backward}}},
      "omp_simd"};
  return op;
}

void describe_lstm(std::vector<VersionInfo>& out) { describe(lstm_cell_op(), out); }

}  // namespace thorax::kernels
