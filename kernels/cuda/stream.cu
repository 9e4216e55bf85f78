// Streams and the calling thread's current stream (stream.h).
#include "kernels/cuda/error.h"
#include "kernels/cuda/stream.h"

namespace thorax::cuda {

namespace {
// The explicit per-thread default (DESIGN.md allows the default device's state): which stream this thread's
// launches go to.
thread_local cudaStream_t current = cudaStreamPerThread;
}  // namespace

Stream Stream::per_thread() { return Stream(cudaStreamPerThread, false); }

Stream Stream::create() {
  cudaStream_t s = nullptr;
  check_cuda(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  return Stream(s, true);
}

Stream::Stream(Stream&& other) noexcept : handle_(other.handle_), owned_(other.owned_) { other.owned_ = false; }

Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    if (owned_) cudaStreamDestroy(handle_);
    handle_ = other.handle_;
    owned_ = other.owned_;
    other.owned_ = false;
  }
  return *this;
}

Stream::~Stream() {
  // Queued work still completes: cudaStreamDestroy returns at once and releases the stream afterwards.
  if (owned_) cudaStreamDestroy(handle_);
}

void Stream::synchronize() const { check_cuda(cudaStreamSynchronize(handle_), "cudaStreamSynchronize"); }

cudaStream_t current_stream() { return current; }

StreamGuard::StreamGuard(const Stream& stream) : previous_(current) { current = stream.handle(); }

StreamGuard::~StreamGuard() { current = previous_; }

}  // namespace thorax::cuda
