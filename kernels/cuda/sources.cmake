# The CUDA kernel sources, compiled twice: by nvcc into thorax_cuda (CMakeLists.txt, when the toolkit is
# present) and as host C++ into the emulated thorax_cuda_emu (emu/CMakeLists.txt, always).
set(THORAX_CUDA_KERNEL_SOURCES launch.cu elementwise.cu reduce.cu gemm.cu)
