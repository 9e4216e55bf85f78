#include "train/comm/nccl_allreduce.h"

#include <cuda_runtime.h>
#include <nccl.h>

#include <stdexcept>
#include <string>

namespace thorax::train {

namespace {

void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(e));
}

void nccl_check(ncclResult_t r, const char* what) {
  if (r != ncclSuccess) throw std::runtime_error(std::string("NCCL ") + what + ": " + ncclGetErrorString(r));
}

}  // namespace

struct NcclAllreduce::State {
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
};

NcclAllreduce::NcclAllreduce(Communicator& comm) : state_(std::make_unique<State>()) {
  int devices = 0;
  cuda_check(cudaGetDeviceCount(&devices), "device count");
  if (devices == 0) throw std::runtime_error("NCCL needs a CUDA device and this machine has none");
  device_ = comm.rank() % devices;
  cuda_check(cudaSetDevice(device_), "set device");
  ncclUniqueId id;
  if (comm.rank() == 0) nccl_check(ncclGetUniqueId(&id), "unique id");
  comm.broadcast({reinterpret_cast<uint8_t*>(&id), sizeof id}, 0);
  nccl_check(ncclCommInitRank(&state_->comm, comm.size(), id, comm.rank()), "init rank");
  cuda_check(cudaStreamCreate(&state_->stream), "stream");
}

NcclAllreduce::~NcclAllreduce() {
  if (state_->comm) ncclCommDestroy(state_->comm);
  if (state_->stream) cudaStreamDestroy(state_->stream);
}

void NcclAllreduce::sum(float* device_values, size_t count) {
  nccl_check(ncclAllReduce(device_values, device_values, count, ncclFloat, ncclSum, state_->comm, state_->stream),
             "allreduce");
  cuda_check(cudaStreamSynchronize(state_->stream), "synchronize after allreduce");
}

}  // namespace thorax::train
