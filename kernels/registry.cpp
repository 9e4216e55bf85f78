// Every kernel op, listed once. A new op family adds its describe_* call here.
#include "kernels/registry.h"

#include "kernels/attention.h"
#include "kernels/batch_norm.h"
#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/dropout.h"
#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "kernels/layer_norm.h"
#include "kernels/loss.h"
#include "kernels/lstm.h"
#include "kernels/nt_xent.h"
#include "kernels/pool2d.h"
#include "kernels/reduce.h"
#include "kernels/softmax.h"
#include "kernels/upsample.h"

namespace thorax::kernels {

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::Reference: return "reference";
    case Backend::CPU: return "cpu";
    case Backend::CUDA: return "cuda";
  }
  return "?";
}

std::vector<VersionInfo> registry() {
  std::vector<VersionInfo> out;
  describe_elementwise(out);
  describe_reduce(out);
  describe_gemm(out);
  describe_conv2d(out);
  describe_depthwise_conv2d(out);
  describe_pool2d(out);
  describe_upsample(out);
  describe_batch_norm(out);
  describe_layer_norm(out);
  describe_softmax(out);
  describe_dropout(out);
  describe_loss(out);
  describe_nt_xent(out);
  describe_attention(out);
  describe_lstm(out);
  return out;
}

std::vector<std::string> unavailable_versions() {
  std::vector<std::string> out;
  for (const auto& v : gemm_op().unavailable) out.push_back("gemm/" + v);
  for (const auto& v : conv2d_op().unavailable) out.push_back("conv2d/" + v);
  for (const auto& v : depthwise_conv2d_op().unavailable) out.push_back("depthwise_conv2d/" + v);
  for (const auto& v : nt_xent_op().unavailable) out.push_back("nt_xent/" + v);
  for (const auto& v : lstm_cell_op().unavailable) out.push_back("lstm_cell/" + v);
  for (const auto& v : lstm_layer_op().unavailable) out.push_back("lstm_layer/" + v);
  return out;
}

}  // namespace thorax::kernels
