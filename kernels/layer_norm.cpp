// The layer normalization op table.
#include "kernels/layer_norm.h"

#include "kernels/cpu/layer_norm.h"
#include "kernels/reference/layer_norm.h"

namespace thorax::kernels {

const Op<LayerNormKernel>& layer_norm_op() {
  static const Op<LayerNormKernel> op{
      "layer_norm",
      {{"reference", Backend::Reference, {ref::layer_norm_forward<float>, ref::layer_norm_backward<float>}},
       {"omp_rows", Backend::CPU, {cpu::layer_norm_forward, cpu::layer_norm_backward}}},
      "omp_rows"};
  return op;
}

void describe_layer_norm(std::vector<VersionInfo>& out) { describe(layer_norm_op(), out); }

}  // namespace thorax::kernels
