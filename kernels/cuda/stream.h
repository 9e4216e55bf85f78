// CUDA streams as thorax uses them (CUDA builds only). Every launch() and every copy goes to the calling
// thread's current stream: the per-thread default stream (cudaStreamPerThread), unless a StreamGuard has
// made another one current for a scope. Per-thread rather than the legacy default stream, so that two host
// threads (a data loader and the training loop) do not serialize each other's work.
#pragma once
#include <cuda_runtime.h>

namespace thorax::cuda {

class Stream {
 public:
  // The calling thread's default stream; not owned, never destroyed.
  static Stream per_thread();
  // A new stream that does not synchronize with the legacy default stream; destroyed with the object.
  static Stream create();

  Stream(Stream&& other) noexcept;
  Stream& operator=(Stream&& other) noexcept;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();

  cudaStream_t handle() const { return handle_; }
  // Waits for all the work queued on this stream; throws a sentence naming the last kernel this thread
  // launched when that work failed.
  void synchronize() const;

 private:
  Stream(cudaStream_t handle, bool owned) : handle_(handle), owned_(owned) {}
  cudaStream_t handle_;
  bool owned_;
};

// The stream launch() and the copies of device_memory.h use on this thread.
cudaStream_t current_stream();

// Makes `stream` the calling thread's current stream until the guard is destroyed, then restores the
// previous one. The stream must outlive the guard.
class StreamGuard {
 public:
  explicit StreamGuard(const Stream& stream);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  cudaStream_t previous_;
};

}  // namespace thorax::cuda
