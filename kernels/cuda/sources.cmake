# The CUDA kernel sources, compiled twice: by nvcc into thorax_cuda (CMakeLists.txt, when the toolkit is
# present) and as host C++ into the emulated thorax_cuda_emu (emu/CMakeLists.txt, always).
set(THORAX_CUDA_KERNEL_SOURCES
  launch.cu elementwise.cu reduce.cu gemm.cu transpose.cu softmax.cu loss.cu batch_norm.cu pool2d.cu conv2d.cu
  depthwise_conv2d.cu lstm.cu attention.cu nt_xent.cu)
# Plain C++ shared by both builds (no device code): the kernel registry, the caching allocator's bookkeeping.
set(THORAX_CUDA_HOST_SOURCES registry.cpp caching_allocator.cpp)
