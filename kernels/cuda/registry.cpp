// The table behind registry.h. Add a row with every new kernel (or template instance) you launch; the
// registry meta-test (tests/cuda/registry_test.cpp) tells you when you forgot one.
#include "kernels/cuda/registry.h"

namespace thorax::cuda {

const std::vector<KernelEntry>& kernel_registry() {
  static const std::vector<KernelEntry> table = {
      // elementwise.cu
      {"add", "v1_grid_stride", "add_f32_grid_stride"},
      {"mul", "v1_grid_stride", "mul_f32_kernel"},
      {"mul_backward", "v1_grid_stride", "mul_backward_f32_kernel"},
      {"scale", "v1_grid_stride", "scale_f32_kernel"},
      {"relu", "v1_grid_stride", "activation_forward_kernel<act::Relu>"},
      {"relu_backward", "v1_grid_stride", "activation_backward_kernel<act::Relu>"},
      {"relu6", "v1_grid_stride", "activation_forward_kernel<act::Relu6>"},
      {"relu6_backward", "v1_grid_stride", "activation_backward_kernel<act::Relu6>"},
      {"leaky_relu", "v1_grid_stride", "activation_forward_kernel<act::LeakyRelu>"},
      {"leaky_relu_backward", "v1_grid_stride", "activation_backward_kernel<act::LeakyRelu>"},
      {"sigmoid", "v1_grid_stride", "activation_forward_kernel<act::Sigmoid>"},
      {"sigmoid_backward", "v1_grid_stride", "activation_backward_kernel<act::Sigmoid>"},
      {"tanh", "v1_grid_stride", "activation_forward_kernel<act::Tanh>"},
      {"tanh_backward", "v1_grid_stride", "activation_backward_kernel<act::Tanh>"},
      {"silu", "v1_grid_stride", "activation_forward_kernel<act::Silu>"},
      {"silu_backward", "v1_grid_stride", "activation_backward_kernel<act::Silu>"},
      {"gelu", "v1_grid_stride", "activation_forward_kernel<act::Gelu>"},
      {"gelu_backward", "v1_grid_stride", "activation_backward_kernel<act::Gelu>"},
      {"hardswish", "v1_grid_stride", "activation_forward_kernel<act::Hardswish>"},
      {"hardswish_backward", "v1_grid_stride", "activation_backward_kernel<act::Hardswish>"},
      {"adam_step", "v1_fused", "adam_step_kernel"},
      // softmax.cu
      {"softmax", "v1_naive", "softmax_forward_naive_kernel"},
      {"softmax", "v2_warp", "softmax_forward_warp_kernel"},
      {"softmax", "v3_online", "softmax_forward_online_kernel"},
      {"softmax_backward", "v1_warp", "softmax_backward_warp_kernel"},
      // loss.cu
      {"bce_with_logits", "v1_grid_stride", "bce_with_logits_forward_kernel"},
      {"bce_with_logits_backward", "v1_grid_stride", "bce_with_logits_backward_kernel"},
      {"focal_loss", "v1_grid_stride", "focal_loss_forward_kernel"},
      {"focal_loss_backward", "v1_grid_stride", "focal_loss_backward_kernel"},
      {"cross_entropy", "v1_warp", "cross_entropy_forward_kernel"},
      {"cross_entropy_backward", "v1_warp", "cross_entropy_backward_kernel"},
      // batch_norm.cu
      {"batch_norm_train", "v1_two_pass", "batch_norm_stats_kernel"},
      {"batch_norm_train", "v1_two_pass", "batch_norm_apply_kernel"},
      {"batch_norm_eval", "v1_grid_stride", "batch_norm_eval_kernel"},
      {"batch_norm_backward", "v1_reduce_then_map", "batch_norm_backward_reduce_kernel"},
      {"batch_norm_backward", "v1_reduce_then_map", "batch_norm_backward_data_kernel"},
      // pool2d.cu
      {"max_pool2d", "v1_per_output", "max_pool2d_forward_kernel"},
      {"max_pool2d_backward", "v1_gather", "max_pool2d_backward_kernel"},
      {"avg_pool2d", "v1_per_output", "avg_pool2d_forward_kernel"},
      {"avg_pool2d_backward", "v1_gather", "avg_pool2d_backward_kernel"},
      // conv2d.cu
      {"conv2d", "v1_implicit_gemm", "conv2d_forward_implicit_gemm_kernel<8>"},
      {"conv2d", "v1_implicit_gemm", "conv2d_forward_implicit_gemm_kernel<16>"},
      {"conv2d_backward_data", "v1_implicit_gemm", "conv2d_backward_data_implicit_gemm_kernel<8>"},
      {"conv2d_backward_data", "v1_implicit_gemm", "conv2d_backward_data_implicit_gemm_kernel<16>"},
      {"conv2d_backward_weight", "v1_implicit_gemm", "conv2d_backward_weight_implicit_gemm_kernel<8>"},
      {"conv2d_backward_weight", "v1_implicit_gemm", "conv2d_backward_weight_implicit_gemm_kernel<16>"},
      {"conv2d_bias_backward", "v1_block_per_channel", "conv2d_bias_backward_kernel"},
      // depthwise_conv2d.cu
      {"depthwise_conv2d", "v1_per_output", "depthwise_conv2d_forward_kernel"},
      {"depthwise_conv2d_backward_data", "v1_gather", "depthwise_conv2d_backward_data_kernel"},
      {"depthwise_conv2d_backward_weight", "v1_block_per_weight", "depthwise_conv2d_backward_weight_kernel"},
      // transpose.cu
      {"transpose", "v1_naive", "transpose_naive_kernel"},
      {"transpose", "v2_tiled", "transpose_tiled_kernel<8>"},
      {"transpose", "v2_tiled", "transpose_tiled_kernel<16>"},
      // lstm.cu (the layer's GEMMs are sgemm_tiled and transpose_tiled, above and below)
      {"lstm_cell", "v1_fused", "lstm_cell_forward_kernel"},
      {"lstm_cell_backward", "v1_fused", "lstm_cell_backward_kernel"},
      // attention.cu
      {"attention", "v1_fused_softmax", "attention_forward_kernel"},
      {"attention_backward", "v1_query_then_key", "attention_backward_query_kernel"},
      {"attention_backward", "v1_query_then_key", "attention_backward_key_kernel"},
      // nt_xent.cu (its GEMMs are sgemm_tiled and transpose_tiled; the loss sum is reduce_sum_f32_shared)
      {"nt_xent", "v1_fused", "nt_xent_normalize_kernel"},
      {"nt_xent", "v1_fused", "nt_xent_rows_kernel"},
      {"nt_xent", "v1_fused", "nt_xent_normalize_backward_kernel"},
      // reduce.cu
      {"reduce_sum", "v1_shared", "reduce_sum_shared_kernel"},
      {"reduce_sum", "v2_warp", "reduce_sum_warp_kernel"},
      {"reduce_sum", "v3_atomic", "fill_f32_kernel"},
      {"reduce_sum", "v3_atomic", "reduce_sum_atomic_kernel"},
      // gemm.cu
      {"sgemm", "v1_naive", "sgemm_naive_kernel"},
      {"sgemm", "v2_tiled", "sgemm_tiled_kernel<8>"},
      {"sgemm", "v2_tiled", "sgemm_tiled_kernel<16>"},
      {"sgemm", "v2_tiled", "sgemm_tiled_kernel<32>"},
      {"sgemm", "v3_register_blocked", "sgemm_register_blocked_kernel<32, 32, 8, 4, 4>"},
      {"sgemm", "v3_register_blocked", "sgemm_register_blocked_kernel<64, 64, 8, 8, 4>"},
  };
  return table;
}

}  // namespace thorax::cuda
