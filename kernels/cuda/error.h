// CUDA runtime errors as exceptions with a sentence (CUDA builds only: needs <cuda_runtime.h>).
//
//   check_cuda(cudaMemcpyAsync(...), "cudaMemcpyAsync host to device");
//
// A kernel's own failure (an illegal address) is reported by whichever CUDA call comes next, so the
// sentence also names the last kernel this thread launched (launch.h: cuda_error_message).
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "kernels/cuda/launch.h"

namespace thorax::cuda {

inline void check_cuda(cudaError_t err, const std::string& what) {
  if (err == cudaSuccess) return;
  // Clear the error this call reported (a sticky one stays: the context is then unusable anyway).
  (void)cudaGetLastError();
  throw std::runtime_error(cuda_error_message(what, cudaGetErrorString(err)));
}

}  // namespace thorax::cuda
