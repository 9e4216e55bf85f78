// Gradient sums on GPUs through NCCL, set up over the job's MPI communicator: rank 0 creates the NCCL id and
// broadcasts it, every rank joins with its own device (rank mod device count). Built when the CUDA toolkit and
// NCCL are present (thorax_nccl); our machines have no GPU, so it is compiled in CI and run only by the
// `cuda-device` test where a GPU exists.
#pragma once
#include <cstddef>
#include <memory>

#include "train/comm/communicator.h"

namespace thorax::train {

class NcclAllreduce {
 public:
  // Throws with the CUDA or NCCL error's text (e.g. no CUDA device).
  explicit NcclAllreduce(Communicator& comm);
  ~NcclAllreduce();
  NcclAllreduce(const NcclAllreduce&) = delete;
  NcclAllreduce& operator=(const NcclAllreduce&) = delete;

  int device() const { return device_; }
  // In-place sum of `count` floats in device memory over every rank, on this object's stream; waits for it.
  void sum(float* device_values, size_t count);

 private:
  struct State;
  std::unique_ptr<State> state_;
  int device_ = 0;
};

}  // namespace thorax::train
